import { backend_util, type Conv3DBackpropInputV2Attrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * The input gradient of a 3D conv (NDHWC, float32): each output's gradient, times each filter
 * tap, goes back to the input position that tap read. Replaces stock tfjs-wasm 4.22's kernel,
 * whose results differ from the cpu backend's (so Conv3D layers trained wrongly on wasm).
 */
export const conv3DBackpropInput: KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, inputShape } = attrs as unknown as Conv3DBackpropInputV2Attrs;
  const heap = backend as unknown as WasmHeapBackend;
  const info = backend_util.computeConv3DInfo(inputShape, filter.shape as [number, number, number, number, number], strides, 1, pad);
  const { batchSize, inDepth, inHeight, inWidth, inChannels, outDepth, outHeight, outWidth, outChannels, strideDepth, strideHeight, strideWidth, filterDepth, filterHeight, filterWidth } = info;
  const { front, top, left } = info.padInfo;
  const dx = heap.makeOutput(inputShape, 'float32');
  const dxValues = heap.typedArrayFromHeap(dx) as Float32Array;
  const dyValues = heap.typedArrayFromHeap(dy) as Float32Array;
  const w = heap.typedArrayFromHeap(filter) as Float32Array;
  dxValues.fill(0);
  for (let n = 0; n < batchSize; n++) {
    for (let od = 0; od < outDepth; od++) {
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++) {
          const dyBase = (((n * outDepth + od) * outHeight + oh) * outWidth + ow) * outChannels;
          for (let fd = 0; fd < filterDepth; fd++) {
            const id = od * strideDepth - front + fd;
            if (id < 0 || id >= inDepth) continue;
            for (let fh = 0; fh < filterHeight; fh++) {
              const ih = oh * strideHeight - top + fh;
              if (ih < 0 || ih >= inHeight) continue;
              for (let fw = 0; fw < filterWidth; fw++) {
                const iw = ow * strideWidth - left + fw;
                if (iw < 0 || iw >= inWidth) continue;
                const dxBase = (((n * inDepth + id) * inHeight + ih) * inWidth + iw) * inChannels;
                const wBase = ((fd * filterHeight + fh) * filterWidth + fw) * inChannels * outChannels;
                for (let ci = 0; ci < inChannels; ci++) {
                  let sum = 0;
                  const wRow = wBase + ci * outChannels;
                  for (let co = 0; co < outChannels; co++) sum += dyValues[dyBase + co] * w[wRow + co];
                  dxValues[dxBase + ci] += sum;
                }
              }
            }
          }
        }
      }
    }
  }
  return dx;
};

export function conv3DBackpropInputConfig(backendName: string): KernelConfig {
  return { kernelName: 'Conv3DBackpropInputV2', backendName, kernelFunc: conv3DBackpropInput };
}
