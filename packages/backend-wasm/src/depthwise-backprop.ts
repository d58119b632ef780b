import {
  backend_util,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Visits every (output position, filter tap) pair whose input position lies inside the input,
 * with the flat offsets of the output row, the input row and the filter tap (channel 0 each).
 * Both gradients of a depthwise conv are this walk with a different inner loop over channels.
 */
function forEachTap(info: backend_util.Conv2DInfo, visit: (dyBase: number, xBase: number, filterBase: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let fh = 0; fh < filterHeight; fh++) {
        const ih = oh * strideHeight - top + fh * dilationHeight;
        if (ih < 0 || ih >= inHeight) continue;
        for (let ow = 0; ow < outWidth; ow++) {
          const dyBase = ((n * outHeight + oh) * outWidth + ow) * outChannels;
          for (let fw = 0; fw < filterWidth; fw++) {
            const iw = ow * strideWidth - left + fw * dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            visit(dyBase, ((n * inHeight + ih) * inWidth + iw) * inChannels, (fh * filterWidth + fw) * outChannels);
          }
        }
      }
    }
  }
}

/** The zeroed gradient output of `shape`, and the heap views both gradients read. */
function gradientBuffers(backend: unknown, info: backend_util.Conv2DInfo, shape: number[], dy: TensorInfo, other: TensorInfo) {
  const heap = backend as WasmHeapBackend;
  const out = heap.makeOutput(shape, 'float32');
  const values = heap.typedArrayFromHeap(out) as Float32Array;
  values.fill(0);
  return {
    out,
    values,
    dy: heap.typedArrayFromHeap(dy) as Float32Array,
    other: heap.typedArrayFromHeap(other) as Float32Array,
    multiplier: info.outChannels / info.inChannels,
    channels: info.inChannels,
  };
}

/**
 * The input gradient of a depthwise conv (NHWC, float32; any stride, dilation, padding and
 * channel multiplier): each output's gradient, times the filter tap, goes back to the input
 * position it read. Stock tfjs-wasm has no such kernel, so depthwise (and separable) convs could
 * not train on wasm. A direct loop: a depthwise conv's work is small next to the convs around it.
 */
export const depthwiseBackpropInput: KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, true);
  const { out: dx, values: dxValues, dy: dyValues, other: w, multiplier, channels } = gradientBuffers(backend, info, inputShape, dy, filter);
  if (multiplier === 1) {
    forEachTap(info, (dyBase, xBase, filterBase) => {
      for (let c = 0; c < channels; c++) dxValues[xBase + c] += dyValues[dyBase + c] * w[filterBase + c];
    });
  } else {
    forEachTap(info, (dyBase, xBase, filterBase) => {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let m = 0; m < multiplier; m++) sum += dyValues[dyBase + c * multiplier + m] * w[filterBase + c * multiplier + m];
        dxValues[xBase + c] += sum;
      }
    });
  }
  return dx;
};

/** The filter gradient of a depthwise conv: each tap's input times the output's gradient, summed over the batch and positions. */
export const depthwiseBackpropFilter: KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true);
  const { out: dw, values: dwValues, dy: dyValues, other: xValues, multiplier, channels } = gradientBuffers(backend, info, filterShape, dy, x);
  forEachTap(info, (dyBase, xBase, filterBase) => {
    for (let c = 0; c < channels; c++) {
      const xv = xValues[xBase + c];
      for (let m = 0; m < multiplier; m++) dwValues[filterBase + c * multiplier + m] += xv * dyValues[dyBase + c * multiplier + m];
    }
  });
  return dw;
};

export const DEPTHWISE_GRADIENT_KERNELS = ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'] as const;

export function depthwiseGradientConfigs(backendName: string): KernelConfig[] {
  return [
    { kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName, kernelFunc: depthwiseBackpropInput },
    { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName, kernelFunc: depthwiseBackpropFilter },
  ];
}
