import {
  engine,
  getGradient,
  registerGradient,
  type GradConfig,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { HeapScratch, heapOffset, simdKernels, type WasmBackendInternals } from './simd-kernels';

/** BatchNorm over every axis but the last, with batch statistics: outputs [y, mean, variance]. */
export const BATCH_NORM_TRAINING = 'PrunebenchBatchNormTraining';
/** Its gradient: outputs [dx, dScale, dOffset]. */
export const BATCH_NORM_TRAINING_GRAD = 'PrunebenchBatchNormTrainingGrad';

export interface BatchNormTrainingAttrs {
  epsilon: number;
}

function channelsOf(x: TensorInfo): { rows: number; channels: number } {
  const channels = x.shape[x.shape.length - 1];
  return { rows: channels === 0 ? 0 : x.shape.reduce((a, b) => a * b, 1) / channels, channels };
}

function requireFloat32(kernel: string, tensors: Record<string, TensorInfo | undefined>): void {
  for (const [name, t] of Object.entries(tensors)) {
    if (t && t.dtype !== 'float32') throw new Error(`${kernel}: ${name} must be float32, got ${t.dtype}`);
  }
}

/**
 * Forward: per channel c over the M = rows values, mean and biased variance (what tfjs's
 * `moments` gives, so the moving statistics update as before), then
 * y = (x - mean) * scale / sqrt(variance + epsilon) + offset. One pass for both statistics —
 * float64 sums of (x - shift) and (x - shift)^2 with shift = the channel's first value, so the
 * variance does not cancel — and one pass writing y, instead of tfjs's Mean, Sub, Square,
 * Mean, FusedBatchNorm (five passes, four activation-sized intermediates).
 */
export const batchNormTrainingKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, scale, offset } = inputs as { x: TensorInfo; scale: TensorInfo; offset: TensorInfo };
  const { epsilon } = attrs as unknown as BatchNormTrainingAttrs;
  requireFloat32(BATCH_NORM_TRAINING, { x, scale, offset });
  const { rows, channels } = channelsOf(x);
  const wasm = backend as unknown as WasmBackendInternals;
  // Allocate every output before taking heap views: an allocation may grow (and move) the heap.
  const yInfo = wasm.makeOutput([...x.shape], 'float32');
  const meanInfo = wasm.makeOutput([channels], 'float32');
  const varianceInfo = wasm.makeOutput([channels], 'float32');
  const xs = wasm.typedArrayFromHeap(x);
  const ys = wasm.typedArrayFromHeap(yInfo);
  const means = wasm.typedArrayFromHeap(meanInfo);
  const variances = wasm.typedArrayFromHeap(varianceInfo);
  const gamma = wasm.typedArrayFromHeap(scale);
  const beta = wasm.typedArrayFromHeap(offset);
  if (rows === 0) return [yInfo, meanInfo, varianceInfo];
  const simd = channels % 4 === 0 ? simdKernels(backend) : null;
  if (simd) {
    // [shift f32, multiplier f32, sum f64, squares f64]
    const scratch = new HeapScratch(wasm, [{ f64: false, length: channels }, { f64: false, length: channels }, { f64: true, length: channels }, { f64: true, length: channels }]);
    try {
      const [shiftView] = scratch.views() as Float32Array[];
      const xView = wasm.typedArrayFromHeap(x);
      for (let c = 0; c < channels; c++) shiftView[c] = xView[c];
      const xPtr = heapOffset(backend, x);
      simd.bnStats(xPtr, rows, channels, scratch.at(0), scratch.at(2), scratch.at(3));
      const [shiftF, multiplierF, sumF, squaresF] = scratch.views();
      const meanView = wasm.typedArrayFromHeap(meanInfo);
      const varianceView = wasm.typedArrayFromHeap(varianceInfo);
      const gammaView = wasm.typedArrayFromHeap(scale);
      for (let c = 0; c < channels; c++) {
        const centred = sumF[c] / rows;
        meanView[c] = shiftF[c] + centred;
        varianceView[c] = Math.max(0, squaresF[c] / rows - centred * centred);
        multiplierF[c] = gammaView[c] / Math.sqrt(varianceView[c] + epsilon);
      }
      simd.bnApply(xPtr, heapOffset(backend, yInfo), rows, channels, heapOffset(backend, meanInfo), scratch.at(1), heapOffset(backend, offset));
    } finally {
      scratch.free();
    }
    return [yInfo, meanInfo, varianceInfo];
  }
  const shift = new Float64Array(channels);
  const sum = new Float64Array(channels);
  const sumSquares = new Float64Array(channels);
  for (let c = 0; c < channels; c++) shift[c] = xs[c];
  for (let r = 0, base = 0; r < rows; r++, base += channels) {
    for (let c = 0; c < channels; c++) {
      const d = xs[base + c] - shift[c];
      sum[c] += d;
      sumSquares[c] += d * d;
    }
  }
  const multiplier = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const centred = sum[c] / rows;
    const variance = Math.max(0, sumSquares[c] / rows - centred * centred);
    const mean = shift[c] + centred;
    means[c] = mean;
    variances[c] = variance;
    multiplier[c] = gamma[c] / Math.sqrt(variances[c] + epsilon);
  }
  for (let r = 0, base = 0; r < rows; r++, base += channels) {
    for (let c = 0; c < channels; c++) ys[base + c] = (xs[base + c] - means[c]) * multiplier[c] + beta[c];
  }
  return [yInfo, meanInfo, varianceInfo];
};

/**
 * Backward, exact for all three outputs: with xhat = (x - mean) * invstd, M values per channel,
 *   dOffset = sum dy, dScale = sum dy * xhat,
 *   dx = scale * invstd * (dy - dOffset / M - xhat * dScale / M) + dMean / M + dVariance * 2 (x - mean) / M.
 * One pass for both sums, one pass writing dx (tfjs's graph: ~8 element-wise kernels, 4 reductions).
 * dMean and dVariance are optional (they are absent unless something differentiates the statistics).
 */
export const batchNormTrainingGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy, scale, mean, variance, dMean, dVariance } = inputs as Record<string, TensorInfo | undefined> & {
    x: TensorInfo; dy: TensorInfo; scale: TensorInfo; mean: TensorInfo; variance: TensorInfo;
  };
  const { epsilon } = attrs as unknown as BatchNormTrainingAttrs;
  requireFloat32(BATCH_NORM_TRAINING_GRAD, { x, dy, scale, mean, variance, dMean, dVariance });
  const { rows, channels } = channelsOf(x);
  const wasm = backend as unknown as WasmBackendInternals;
  const dxInfo = wasm.makeOutput([...x.shape], 'float32');
  const dScaleInfo = wasm.makeOutput([channels], 'float32');
  const dOffsetInfo = wasm.makeOutput([channels], 'float32');
  const xs = wasm.typedArrayFromHeap(x);
  const dys = wasm.typedArrayFromHeap(dy);
  const dxs = wasm.typedArrayFromHeap(dxInfo);
  const gamma = wasm.typedArrayFromHeap(scale);
  const means = wasm.typedArrayFromHeap(mean);
  const variances = wasm.typedArrayFromHeap(variance);
  const dScales = wasm.typedArrayFromHeap(dScaleInfo);
  const dOffsets = wasm.typedArrayFromHeap(dOffsetInfo);
  const simd = channels % 4 === 0 && rows > 0 ? simdKernels(backend) : null;
  if (simd) {
    // [sumDy f64, sumDyCentred f64, a f32, b f32, k f32]
    const f32 = { f64: false, length: channels };
    const scratch = new HeapScratch(wasm, [{ f64: true, length: channels }, { f64: true, length: channels }, f32, f32, f32]);
    try {
      const [xPtr, dyPtr, meanPtr] = [heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, mean)];
      simd.bnGradSums(xPtr, dyPtr, rows, channels, meanPtr, scratch.at(0), scratch.at(1));
      const [sums, centredSums, av, bv, kv] = scratch.views();
      perChannelGrad(channels, rows, epsilon, sums as Float64Array, centredSums as Float64Array, {
        gamma: wasm.typedArrayFromHeap(scale),
        variances: wasm.typedArrayFromHeap(variance),
        dMeans: dMean ? wasm.typedArrayFromHeap(dMean) : null,
        dVariances: dVariance ? wasm.typedArrayFromHeap(dVariance) : null,
        dScales: wasm.typedArrayFromHeap(dScaleInfo),
        dOffsets: wasm.typedArrayFromHeap(dOffsetInfo),
      }, av as Float32Array, bv as Float32Array, kv as Float32Array);
      simd.bnGradApply(xPtr, dyPtr, heapOffset(backend, dxInfo), rows, channels, meanPtr, scratch.at(2), scratch.at(3), scratch.at(4));
    } finally {
      scratch.free();
    }
    return [dxInfo, dScaleInfo, dOffsetInfo];
  }
  const sumDy = new Float64Array(channels);
  const sumDyCentred = new Float64Array(channels);
  for (let r = 0, base = 0; r < rows; r++, base += channels) {
    for (let c = 0; c < channels; c++) {
      const g = dys[base + c];
      sumDy[c] += g;
      sumDyCentred[c] += g * (xs[base + c] - means[c]);
    }
  }
  const dMeans = dMean ? wasm.typedArrayFromHeap(dMean) : null;
  const dVariances = dVariance ? wasm.typedArrayFromHeap(dVariance) : null;
  // dx = a * dy + b * (x - mean) + k, per channel.
  const a = new Float32Array(channels);
  const b = new Float32Array(channels);
  const k = new Float32Array(channels);
  perChannelGrad(channels, rows, epsilon, sumDy, sumDyCentred, { gamma, variances, dMeans, dVariances, dScales, dOffsets }, a, b, k);
  for (let r = 0, base = 0; r < rows; r++, base += channels) {
    for (let c = 0; c < channels; c++) {
      const i = base + c;
      dxs[i] = a[c] * dys[i] + b[c] * (xs[i] - means[c]) + k[c];
    }
  }
  return [dxInfo, dScaleInfo, dOffsetInfo];
};

/** dScale, dOffset and the coefficients of dx = a * dy + b * (x - mean) + k, per channel, from the two sums. */
function perChannelGrad(
  channels: number,
  rows: number,
  epsilon: number,
  sumDy: Float64Array,
  sumDyCentred: Float64Array,
  t: {
    gamma: Float32Array; variances: Float32Array; dMeans: Float32Array | null; dVariances: Float32Array | null;
    dScales: Float32Array; dOffsets: Float32Array;
  },
  a: Float32Array,
  b: Float32Array,
  k: Float32Array,
): void {
  const m = rows > 0 ? rows : 1;
  for (let c = 0; c < channels; c++) {
    const invStd = 1 / Math.sqrt(t.variances[c] + epsilon);
    t.dOffsets[c] = sumDy[c];
    t.dScales[c] = sumDyCentred[c] * invStd;
    a[c] = t.gamma[c] * invStd;
    b[c] = -t.gamma[c] * invStd * invStd * invStd * (sumDyCentred[c] / m) + (t.dVariances ? (2 * t.dVariances[c]) / m : 0);
    k[c] = -t.gamma[c] * invStd * (sumDy[c] / m) + (t.dMeans ? t.dMeans[c] / m : 0);
  }
}

/** The gradient of BATCH_NORM_TRAINING: one BATCH_NORM_TRAINING_GRAD call gives all three input gradients. */
export const batchNormTrainingGradConfig: GradConfig = {
  kernelName: BATCH_NORM_TRAINING,
  inputsToSave: ['x', 'scale'],
  outputsToSave: [false, true, true],
  gradFunc: (dys: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
    const [dy, dMean, dVariance] = dys as Array<Tensor | null>;
    const [x, scale, mean, variance] = saved;
    const inputs: Record<string, Tensor> = { x, scale, mean, variance };
    // Without dy (only the statistics are differentiated) the kernel still needs one.
    const zeros = dy ? null : engine().runKernel('ZerosLike', { x }) as Tensor;
    inputs.dy = dy ?? zeros!;
    if (dMean) inputs.dMean = dMean;
    if (dVariance) inputs.dVariance = dVariance;
    // Computed once, eagerly: the engine calls each input's gradient function in its own tidy.
    const [dx, dScale, dOffset] = engine().runKernel(BATCH_NORM_TRAINING_GRAD, inputs, attrs as NamedAttrMap) as Tensor[];
    zeros?.dispose();
    return { x: () => dx, scale: () => dScale, offset: () => dOffset };
  },
};

export function batchNormTrainingConfigs(backendName: string): KernelConfig[] {
  return [
    { kernelName: BATCH_NORM_TRAINING, backendName, kernelFunc: batchNormTrainingKernel },
    { kernelName: BATCH_NORM_TRAINING_GRAD, backendName, kernelFunc: batchNormTrainingGradKernel },
  ];
}

/** Registers the gradient once (gradients are per kernel name, not per backend). */
export function registerBatchNormTrainingGradient(): void {
  if (!getGradient(BATCH_NORM_TRAINING)) registerGradient(batchNormTrainingGradConfig);
}

/** y, mean and variance of `x` normalised over every axis but the last, with batch statistics. */
export function batchNormTraining(x: Tensor, scale: Tensor, offset: Tensor, epsilon: number): [Tensor, Tensor, Tensor] {
  return engine().runKernel(BATCH_NORM_TRAINING, { x, scale, offset }, { epsilon }) as [Tensor, Tensor, Tensor];
}
