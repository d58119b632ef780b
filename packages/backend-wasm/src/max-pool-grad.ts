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
    // VGG's 2×2, stride-2 pools with every window inside the input: the windows do not overlap, so
    // each output's gradient is assigned to one of four candidates, with no per-window state.
    if (filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && info.padInfo.top === 0 && info.padInfo.left === 0 &&
      2 * outHeight <= inHeight && 2 * outWidth <= inWidth) {
      const rowStride = inWidth * channels;
      for (let n = 0; n < batchSize; n++) {
        for (let oh = 0; oh < outHeight; oh++) {
          for (let ow = 0; ow < outWidth; ow++) {
            const b00 = ((n * inHeight + 2 * oh) * inWidth + 2 * ow) * channels;
            const dyBase = ((n * outHeight + oh) * outWidth + ow) * channels;
            for (let c = 0; c < channels; c++) {
              // The first maximum in row-major order, as the general loop below (NaN never wins).
              let m = Number.NEGATIVE_INFINITY;
              let at = -1;
              const i00 = b00 + c;
              const i01 = i00 + channels;
              const i10 = i00 + rowStride;
              const i11 = i10 + channels;
              if (xValues[i00] > m) (m = xValues[i00]), (at = i00);
              if (xValues[i01] > m) (m = xValues[i01]), (at = i01);
              if (xValues[i10] > m) (m = xValues[i10]), (at = i10);
              if (xValues[i11] > m) at = i11;
              if (at >= 0) dxValues[at] = dyValues[dyBase + c];
            }
          }
        }
      }
      return dx;
    }
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
