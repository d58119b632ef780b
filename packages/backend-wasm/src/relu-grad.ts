import {
  cast,
  engine,
  getBackend,
  getGradient,
  getKernel,
  mul,
  registerGradient,
  step,
  unregisterGradient,
  type GradConfig,
  type KernelConfig,
  type KernelFunc,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { heapOffset, simdKernels, type WasmBackendInternals } from './simd-kernels';

/** ReLU's gradient as one kernel: inputs { x, dy }, output dx = dy * step(x). */
export const RELU_GRAD = 'PrunebenchReluGrad';

/** One SIMD pass instead of tfjs's Step, Cast and Multiply (three kernel calls, two intermediates). */
export const reluGradKernel: KernelFunc = ({ inputs, backend }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') throw new Error(`${RELU_GRAD}: x and dy must be float32`);
  const wasm = backend as unknown as WasmBackendInternals;
  const dx = wasm.makeOutput([...x.shape], 'float32');
  const count = x.shape.reduce((a, b) => a * b, 1);
  const vectorised = count - (count % 4);
  const simd = simdKernels(backend);
  if (simd && vectorised > 0) simd.reluGrad(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dx), vectorised);
  const xs = wasm.typedArrayFromHeap(x);
  const dys = wasm.typedArrayFromHeap(dy);
  const dxs = wasm.typedArrayFromHeap(dx);
  for (let i = simd ? vectorised : 0; i < count; i++) {
    const v = xs[i];
    dxs[i] = dys[i] * (v > 0 ? 1 : v !== v ? NaN : 0);
  }
  return dx;
};

export function reluGradConfig(backendName: string): KernelConfig {
  return { kernelName: RELU_GRAD, backendName, kernelFunc: reluGradKernel };
}

/** The gradient tfjs-core registers for Relu, while ours replaces it; null when ours is not installed. */
let replacedGradient: { stock: GradConfig | undefined } | null = null;

/**
 * Replaces Relu's gradient (gradients are per kernel name, for every backend) by one that runs
 * RELU_GRAD on a backend that has it and tfjs's own formula, mul(dy, cast(step(x))), elsewhere:
 * the same values everywhere.
 */
export function installReluGradient(): void {
  if (replacedGradient) return;
  replacedGradient = { stock: getGradient('Relu') };
  registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      const g = dy as Tensor;
      if (getKernel(RELU_GRAD, getBackend())) return { x: () => engine().runKernel(RELU_GRAD, { x, dy: g }) as Tensor };
      return { x: () => mul(g, cast(step(x), 'float32')) };
    },
  });
}

export function uninstallReluGradient(): void {
  if (!replacedGradient) return;
  if (replacedGradient.stock) registerGradient(replacedGradient.stock);
  else unregisterGradient('Relu');
  replacedGradient = null;
}
