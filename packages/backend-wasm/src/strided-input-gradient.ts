import type { backend_util, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelCalls, cropForPadding } from './kernel-calls';

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * One spatial axis of a strided conv's input gradient, split by phase. The input rows h whose
 * (h + padBefore) mod stride = r receive dy only through the taps i = r + stride*m: for them
 * dx[h] = sum_m dy[q - m] W[r + stride*m] with q = (h + padBefore - r) / stride, a stride-1
 * correlation of dy with those taps reversed. Nothing is computed on zeros.
 */
interface AxisPhase {
  /** Taps of this phase: r, r + s, ... < k. */
  taps: number;
  /** Residue r of the taps. */
  tapOffset: number;
  /** First input row of the phase (< stride) and how many rows it has. */
  firstRow: number;
  rows: number;
  /** dy padding before/after for the stride-1 correlation (negative: crop). */
  padBefore: number;
  padAfter: number;
}

function axisPhases(inSize: number, outSize: number, kernel: number, stride: number, padBefore: number): AxisPhase[] {
  const phases: AxisPhase[] = [];
  for (let r = 0; r < stride; r++) {
    const taps = r < kernel ? Math.ceil((kernel - r) / stride) : 0;
    const q0 = Math.ceil((padBefore - r) / stride);
    const q1 = Math.floor((inSize - 1 + padBefore - r) / stride);
    const rows = Math.max(0, q1 - q0 + 1);
    const before = taps - 1 - q0;
    phases.push({ taps, tapOffset: r, firstRow: q0 * stride + r - padBefore, rows, padBefore: before, padAfter: rows + taps - 1 - outSize - before });
  }
  return phases;
}

/**
 * dx of a strided conv (NHWC, float32) as stride_h x stride_w stride-1 convs of dy with the
 * phases' sub-filters, written interleaved into dx. Returns the output (owned by the caller).
 */
export function stridedInputGradient(
  calls: KernelCalls,
  backend: KernelBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const heap = backend as unknown as WasmHeapBackend;
  const { batchSize, inHeight, inWidth, inChannels, outChannels, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const rowPhases = axisPhases(inHeight, info.outHeight, filterHeight, strideHeight, info.padInfo.top);
  const colPhases = axisPhases(inWidth, info.outWidth, filterWidth, strideWidth, info.padInfo.left);
  const dx = heap.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  (heap.typedArrayFromHeap(dx) as Float32Array).fill(0);
  for (const rp of rowPhases) {
    for (const cp of colPhases) {
      if (rp.taps === 0 || cp.taps === 0 || rp.rows === 0 || cp.rows === 0) continue;
      // Sub-filter [taps_h, taps_w, Co, Ci]: the phase's taps, reversed, in/out channels swapped.
      const sub = heap.makeOutput([rp.taps, cp.taps, outChannels, inChannels], 'float32');
      calls.adopt(sub);
      // Heap views go stale when wasm memory grows (any allocation): take them right before use.
      const subValues = heap.typedArrayFromHeap(sub) as Float32Array;
      const weights = heap.typedArrayFromHeap(filter) as Float32Array;
      for (let a = 0; a < rp.taps; a++) {
        const i = rp.tapOffset + strideHeight * (rp.taps - 1 - a);
        for (let b = 0; b < cp.taps; b++) {
          const j = cp.tapOffset + strideWidth * (cp.taps - 1 - b);
          for (let ci = 0; ci < inChannels; ci++) {
            const from = ((i * filterWidth + j) * inChannels + ci) * outChannels;
            for (let co = 0; co < outChannels; co++) subValues[((a * cp.taps + b) * outChannels + co) * inChannels + ci] = weights[from + co];
          }
        }
      }
      const prepared = cropForPadding(calls, dy, rp.padBefore, rp.padAfter, cp.padBefore, cp.padAfter);
      const phase = calls.run('Conv2D', { x: prepared.x, filter: sub }, {
        strides: [1, 1],
        dilations: [1, 1],
        pad: prepared.pad,
        dataFormat: 'NHWC',
        dimRoundingMode: undefined as never,
      });
      const phaseValues = heap.typedArrayFromHeap(phase) as Float32Array;
      const dxValues = heap.typedArrayFromHeap(dx) as Float32Array;
      // Interleave: phase[n, t, u, :] -> dx[n, firstRow + t*sh, firstCol + u*sw, :].
      for (let n = 0; n < batchSize; n++) {
        for (let t = 0; t < rp.rows; t++) {
          const h = rp.firstRow + t * strideHeight;
          let from = ((n * rp.rows + t) * cp.rows) * inChannels;
          for (let u = 0; u < cp.rows; u++, from += inChannels) {
            const to = ((n * inHeight + h) * inWidth + cp.firstRow + u * strideWidth) * inChannels;
            for (let c = 0; c < inChannels; c++) dxValues[to + c] = phaseValues[from + c];
          }
        }
      }
    }
  }
  return dx;
}
