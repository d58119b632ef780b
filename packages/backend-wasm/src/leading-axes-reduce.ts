import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Sum / Mean of a float32 tensor over its leading axes (e.g. NHWC over N, H, W: what
 * BatchNorm's moments and gradients reduce every step). wasm's kernels first transpose the
 * reduced axes to the end, a slow scalar transpose; this sums rows in place (float64
 * accumulators, so it is also more accurate). Other reductions go to the stock kernel.
 */
function makeLeadingAxesReduce(stock: KernelFunc, mean: boolean): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return stock(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const kept = x.shape.slice(axes.length);
    const cols = kept.reduce((a, b) => a * b, 1);
    const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
    const out = backend.makeOutput(outShape, 'float32');
    const source = backend.typedArrayFromHeap(x) as Float32Array;
    const target = backend.typedArrayFromHeap(out) as Float32Array;
    const acc = new Float64Array(cols);
    // Four rows per pass: a quarter of the accumulator traffic (~2.6x faster for C = 16).
    let r = 0;
    let base = 0;
    for (const stride4 = 4 * cols; r + 4 <= rows; r += 4, base += stride4) {
      for (let c = 0; c < cols; c++) {
        const i = base + c;
        acc[c] += source[i] + source[i + cols] + (source[i + 2 * cols] + source[i + 3 * cols]);
      }
    }
    for (; r < rows; r++, base += cols) {
      for (let c = 0; c < cols; c++) acc[c] += source[base + c];
    }
    const scale = mean ? 1 / rows : 1;
    for (let c = 0; c < cols; c++) target[c] = acc[c] * scale;
    return out;
  };
}

export function sumConfig(backendName: string, stock: KernelFunc): KernelConfig {
  return { kernelName: 'Sum', backendName, kernelFunc: makeLeadingAxesReduce(stock, false) };
}

export function meanConfig(backendName: string, stock: KernelFunc): KernelConfig {
  return { kernelName: 'Mean', backendName, kernelFunc: makeLeadingAxesReduce(stock, true) };
}
