import { backend_util, type KernelConfig, type KernelFunc, type MaxPoolGradAttrs, type TensorInfo } from '@tensorflow/tfjs-core';

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * MaxPoolGrad (NHWC, float32, no dilation): each output's gradient goes to the first
 * maximum of its window in row-major order, as tfjs's cpu backend does; overlapping windows
 * accumulate. Channels are the inner loop, so it reads the input once per window at memory
 * speed (wasm's stock kernel is ~4x slower on the reference CNN's 2x2 pools).
 */
export function makeMaxPoolGrad(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
    if (input.dtype !== 'float32' || input.shape.length !== 4) return stock(args);
    const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return stock(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
    const filterHeight = info.effectiveFilterHeight;
    const filterWidth = info.effectiveFilterWidth;
    const dx = backend.makeOutput(input.shape, 'float32');
    const dxValues = backend.typedArrayFromHeap(dx) as Float32Array;
    const xValues = backend.typedArrayFromHeap(input) as Float32Array;
    const dyValues = backend.typedArrayFromHeap(dy) as Float32Array;
    dxValues.fill(0);
    const best = new Float32Array(channels);
    const where = new Int32Array(channels);
    for (let n = 0; n < batchSize; n++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const top = oh * strideHeight - info.padInfo.top;
        const rowStart = Math.max(0, top);
        const rowEnd = Math.min(inHeight, top + filterHeight);
        for (let ow = 0; ow < outWidth; ow++) {
          const left = ow * strideWidth - info.padInfo.left;
          const colStart = Math.max(0, left);
          const colEnd = Math.min(inWidth, left + filterWidth);
          best.fill(Number.NEGATIVE_INFINITY);
          where.fill(-1);
          for (let r = rowStart; r < rowEnd; r++) {
            for (let q = colStart; q < colEnd; q++) {
              const base = ((n * inHeight + r) * inWidth + q) * channels;
              for (let c = 0; c < channels; c++) {
                const v = xValues[base + c];
                if (v > best[c]) {
                  best[c] = v;
                  where[c] = base + c;
                }
              }
            }
          }
          const dyBase = ((n * outHeight + oh) * outWidth + ow) * channels;
          for (let c = 0; c < channels; c++) {
            if (where[c] >= 0) dxValues[where[c]] += dyValues[dyBase + c];
          }
        }
      }
    }
    return dx;
  };
}

export function maxPoolGradConfig(backendName: string, stock: KernelFunc): KernelConfig {
  return { kernelName: 'MaxPoolGrad', backendName, kernelFunc: makeMaxPoolGrad(stock) };
}
