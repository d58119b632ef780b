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

/**
 * How the SIMD loops (4 lanes) cover `channels`: k consecutive rows of C values are one row of
 * k·C values, with k the smallest factor making k·C a multiple of 4 (1, 2 or 4). Null when
 * `rows` is not a multiple of k (or is 0): the scalar loops below take those.
 */
export function simdTiling(rows: number, channels: number): { k: number; lanes: number } | null {
  if (rows === 0 || channels === 0) return null;
  const k = channels % 4 === 0 ? 1 : channels % 2 === 0 ? 2 : 4;
  return rows % k === 0 ? { k, lanes: k * channels } : null;
}

/** Writes per-channel `values` into `lanes`, repeated: lanes[j] = values[j mod C]. */
function tileLanes(values: ArrayLike<number>, channels: number, lanes: Float32Array | Float64Array): void {
  for (let j = 0; j < lanes.length; j++) lanes[j] = values[j % channels];
}

/** Per-channel sums of per-lane partial sums: out[c] = sum over j ≡ c (mod C) of lanes[j]. */
function foldLanes(lanes: ArrayLike<number>, channels: number): Float64Array {
  const out = new Float64Array(channels);
  for (let j = 0; j < lanes.length; j++) out[j % channels] += lanes[j];
  return out;
}

/** Scratch arrays of `lanes` values each on the wasm heap, float32 or float64 as listed (free them). */
function laneScratch(wasm: WasmBackendInternals, lanes: number, kinds: ReadonlyArray<'f32' | 'f64'>): HeapScratch {
  return new HeapScratch(wasm, kinds.map((kind) => ({ f64: kind === 'f64', length: lanes })));
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
  const tile = simdTiling(rows, channels);
  const simd = tile ? simdKernels(backend) : null;
  if (simd && tile) {
    // The SIMD loops take 4 channels at a time. Channel counts that are not a multiple of 4
    // (pruned widths: 12, 25, 51, ...) are run as k rows of C values = one row of k·C values,
    // with every per-channel array tiled k times and the k partial sums folded afterwards.
    const { lanes, k } = tile;
    // [shift, multiplier, sum, squares, mean, offset], each tiled to `lanes`
    const scratch = laneScratch(wasm, lanes, ['f32', 'f32', 'f64', 'f64', 'f32', 'f32']);
    try {
      const [shiftT, multiplierT, sumT, squaresT, meanT, offsetT] = scratch.views();
      tileLanes(wasm.typedArrayFromHeap(x), channels, shiftT);
      const xPtr = heapOffset(backend, x);
      simd.bnStats(xPtr, rows / k, lanes, scratch.at(0), scratch.at(2), scratch.at(3));
      const [sums, squares] = [foldLanes(sumT, channels), foldLanes(squaresT, channels)];
      const meanView = wasm.typedArrayFromHeap(meanInfo);
      const varianceView = wasm.typedArrayFromHeap(varianceInfo);
      const gammaView = wasm.typedArrayFromHeap(scale);
      const multipliers = new Float32Array(channels);
      for (let c = 0; c < channels; c++) {
        const centred = sums[c] / rows;
        meanView[c] = shiftT[c] + centred;
        varianceView[c] = Math.max(0, squares[c] / rows - centred * centred);
        multipliers[c] = gammaView[c] / Math.sqrt(varianceView[c] + epsilon);
      }
      tileLanes(multipliers, channels, multiplierT);
      tileLanes(meanView, channels, meanT);
      tileLanes(wasm.typedArrayFromHeap(offset), channels, offsetT);
      simd.bnApply(xPtr, heapOffset(backend, yInfo), rows / k, lanes, scratch.at(4), scratch.at(1), scratch.at(5));
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
  const tile = simdTiling(rows, channels);
  const simd = tile ? simdKernels(backend) : null;
  if (simd && tile) {
    // As in the forward: k rows of C channels run as one row of k·C lanes (see simdTiling).
    const { lanes, k } = tile;
    // [sumDy, sumDyCentred, a, b, k, mean], each tiled to `lanes`
    const scratch = laneScratch(wasm, lanes, ['f64', 'f64', 'f32', 'f32', 'f32', 'f32']);
    try {
      const [xPtr, dyPtr] = [heapOffset(backend, x), heapOffset(backend, dy)];
      const [sumsT, centredT, av, bv, kv, meanT] = scratch.views();
      tileLanes(wasm.typedArrayFromHeap(mean), channels, meanT);
      simd.bnGradSums(xPtr, dyPtr, rows / k, lanes, scratch.at(5), scratch.at(0), scratch.at(1));
      const a = new Float32Array(channels);
      const b = new Float32Array(channels);
      const kc = new Float32Array(channels);
      perChannelGrad(channels, rows, epsilon, foldLanes(sumsT, channels), foldLanes(centredT, channels), {
        gamma: wasm.typedArrayFromHeap(scale),
        variances: wasm.typedArrayFromHeap(variance),
        dMeans: dMean ? wasm.typedArrayFromHeap(dMean) : null,
        dVariances: dVariance ? wasm.typedArrayFromHeap(dVariance) : null,
        dScales: wasm.typedArrayFromHeap(dScaleInfo),
        dOffsets: wasm.typedArrayFromHeap(dOffsetInfo),
      }, a, b, kc);
      tileLanes(a, channels, av);
      tileLanes(b, channels, bv);
      tileLanes(kc, channels, kv);
      simd.bnGradApply(xPtr, dyPtr, heapOffset(backend, dxInfo), rows / k, lanes, scratch.at(5), scratch.at(2), scratch.at(3), scratch.at(4));
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
