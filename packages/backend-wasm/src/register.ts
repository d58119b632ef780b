import { getKernel, ready, registerKernel, setBackend, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { installFusedBatchNormTraining, uninstallFusedBatchNormTraining } from './batch-norm-layer';
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD, batchNormTrainingConfigs, registerBatchNormTrainingGradient } from './batch-norm-training';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { DEPTHWISE_GRADIENT_KERNELS, depthwiseGradientConfigs } from './depthwise-backprop';
import { conv3DBackpropInputConfig } from './conv3d-backprop-input';
import { meanConfig, sumConfig } from './leading-axes-reduce';
import { maxPoolGradConfig } from './max-pool-grad';
import { FUSED_BIAS_KERNELS, fusedBiasShapeConfig } from './fused-bias-shape';
import { castConfig, identityConfig } from './shared-identity';
import { installReluGradient, reluGradConfig, RELU_GRAD, uninstallReluGradient } from './relu-grad';
import { tileConfig } from './tile';
import { transposeConfig } from './transpose';

const BACKEND = 'wasm';
/** Set to `1` to keep the stock wasm kernels (e.g. to benchmark them). */
export const STOCK_WASM_ENV = 'PRUNEBENCH_STOCK_WASM';

let correctionsRegistered = false;

/**
 * Fixes of stock wasm kernels that are wrong, not slow (see fused-bias-shape.ts): registered on
 * every wasm selection, also with PRUNEBENCH_STOCK_WASM=1, and never unregistered. Idempotent.
 */
export function registerWasmCorrections(): void {
  if (correctionsRegistered) return;
  for (const name of FUSED_BIAS_KERNELS) {
    const stock = getKernel(name, BACKEND);
    if (!stock) continue;
    unregisterKernel(name, BACKEND);
    registerKernel({ ...fusedBiasShapeConfig(name, BACKEND, stock.kernelFunc), setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc });
  }
  correctionsRegistered = true;
}

/** The stock kernels we replaced, to restore them; null while ours are not registered. */
let replaced: Map<string, KernelConfig | undefined> | null = null;

/** The kernels this module provides for the wasm backend. */
export const ACCELERATED_WASM_KERNELS = [
  'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'Tile', 'Sum', 'Mean', 'MaxPoolGrad', 'Identity', 'Cast', 'Transpose',
  BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD, RELU_GRAD, ...DEPTHWISE_GRADIENT_KERNELS, 'Conv3DBackpropInputV2',
] as const;

/**
 * Registers the accelerated training kernels for the `wasm` backend only (input and filter
 * gradients of conv2d expressed through wasm's fast forward Conv2D; a memory-speed Tile and
 * leading-axes Sum/Mean for BatchNorm's statistics and gradients; a faster MaxPoolGrad; Identity
 * and same-dtype Cast that share data instead of copying it; a fused BatchNorm training kernel
 * pair, which tfjs-layers' BatchNormalization uses in training mode, see batch-norm-layer.ts; a
 * Transpose, a filter gradient and ReLU's gradient as SIMD loops, see simd-kernels.wat; the
 * depthwise conv gradients stock wasm lacks, see depthwise-backprop.ts; a 3D conv input gradient
 * that agrees with the cpu backend, see conv3d-backprop-input.ts).
 * Idempotent. Other
 * backends are untouched. Returns true when they are registered after the call.
 */
export function registerAcceleratedWasmKernels(options: { force?: boolean } = {}): boolean {
  if (replaced) return true;
  if (!options.force && process.env[STOCK_WASM_ENV] === '1') return false;
  const stockInput = getKernel('Conv2DBackpropInput', BACKEND);
  const stockTile = getKernel('Tile', BACKEND);
  const configs = [conv2DBackpropInputConfig(BACKEND, stockInput?.kernelFunc), conv2DBackpropFilterConfig(BACKEND)];
  if (stockTile) configs.push(tileConfig(BACKEND, stockTile.kernelFunc));
  const stockSum = getKernel('Sum', BACKEND);
  if (stockSum) configs.push(sumConfig(BACKEND, stockSum.kernelFunc));
  const stockMean = getKernel('Mean', BACKEND);
  if (stockMean) configs.push(meanConfig(BACKEND, stockMean.kernelFunc));
  const stockMaxPoolGrad = getKernel('MaxPoolGrad', BACKEND);
  if (stockMaxPoolGrad) configs.push(maxPoolGradConfig(BACKEND, stockMaxPoolGrad.kernelFunc));
  const stockIdentity = getKernel('Identity', BACKEND);
  if (stockIdentity) configs.push(identityConfig(BACKEND, stockIdentity.kernelFunc));
  const stockCast = getKernel('Cast', BACKEND);
  if (stockCast) configs.push(castConfig(BACKEND, stockCast.kernelFunc));
  const stockTranspose = getKernel('Transpose', BACKEND);
  if (stockTranspose) configs.push(transposeConfig(BACKEND, stockTranspose.kernelFunc));
  configs.push(...batchNormTrainingConfigs(BACKEND), reluGradConfig(BACKEND), ...depthwiseGradientConfigs(BACKEND), conv3DBackpropInputConfig(BACKEND));
  registerBatchNormTrainingGradient();
  replaced = new Map();
  for (const config of configs) {
    const stock = getKernel(config.kernelName, BACKEND);
    replaced.set(config.kernelName, stock);
    if (stock) unregisterKernel(config.kernelName, BACKEND);
    registerKernel(config);
  }
  installFusedBatchNormTraining();
  installReluGradient();
  return true;
}

/** Restores the stock wasm kernels (no Conv2DBackpropFilter, the slow Conv2DBackpropInput). */
export function unregisterAcceleratedWasmKernels(): void {
  if (!replaced) return;
  uninstallFusedBatchNormTraining();
  uninstallReluGradient();
  for (const [name, stock] of replaced) {
    unregisterKernel(name, BACKEND);
    if (stock) registerKernel(stock);
  }
  replaced = null;
}

export function acceleratedWasmKernelsRegistered(): boolean {
  return replaced !== null;
}

/**
 * What every wasm selection does after `tf.setBackend('wasm')`: the corrections always, the
 * training kernels unless PRUNEBENCH_STOCK_WASM=1. Returns whether the training kernels are on.
 */
export function prepareWasmForTraining(): boolean {
  registerWasmCorrections();
  return registerAcceleratedWasmKernels();
}

/**
 * Sets tfjs's wasm backend with prunebench's kernels, for code that has no harness (a plugin's
 * conformance tests). The harness's `selectBackend('wasm')` does the same and records it.
 */
export async function useWasmWithTrainingKernels(): Promise<boolean> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-backend-wasm');
  if (!(await setBackend('wasm'))) throw new Error('the tfjs wasm backend failed to initialise');
  await ready();
  return prepareWasmForTraining();
}
