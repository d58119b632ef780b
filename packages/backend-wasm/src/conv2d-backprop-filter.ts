import {
  backend_util,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelCalls, cropForPadding, cropTo, padAxis, roundUp } from './kernel-calls';
import { heapOffset, readableWithTail, simdKernels, type WasmBackendInternals } from './simd-kernels';

/** Set to `0` to use the forward-conv formulation below for every shape (to compare them). */
export const SIMD_FILTER_GRADIENT_ENV = 'PRUNEBENCH_SIMD_FILTER_GRADIENT';

/**
 * The filter gradient of a conv as one forward conv: with the input's channels as the batch
 * and its batch as the channels, xT [Ci, H, W, N], convolved with dy as the filter,
 * dyT [OH, OW, N, Co], dilated by the stride, gives [Ci, kh, kw, Co] = dW transposed:
 * dW[i, j, ci, co] = sum over n, oh, ow of x[n, oh*s + i - pad, ow*s + j - pad, ci] * dy[n, oh, ow, co].
 */
export function makeConv2DBackpropFilter(backendName: string): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    if (dataFormat === 'NCHW') {
      throw new Error('Conv2DBackpropFilter: the accelerated wasm kernel supports NHWC (channels last) only');
    }
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast',
    );
    const [kh, kw, ci, co] = filterShape;
    const simd =
      x.dtype === 'float32' && dy.dtype === 'float32' && info.strideHeight === info.strideWidth && process.env[SIMD_FILTER_GRADIENT_ENV] !== '0'
        ? simdKernels(backend)
        : null;
    const calls = new KernelCalls(backend as KernelBackend, backendName);
    try {
      if (simd) {
        // A direct SIMD loop (simd-kernels.wat): no transposes, and dw stays in registers per tap.
        // It computes ci in 4s and co in 8s into a dw that large, cropped back after. Other widths
        // (the first conv's 1 or 3 channels, pruned widths such as 14, 28, 57) are read in place:
        // the extra lanes read the next pixel and land only in the cropped rows and columns. The
        // last pixel's extra lanes read up to 7 floats past the tensor; only a tensor that ends
        // that close to the end of the memory is zero-padded first (a copy of it, one PadV2).
        const [ci4, co8] = [roundUp(ci, 4), roundUp(co, 8)];
        const xs = readableWithTail(backend, x, ci4 - ci) ? x : padAxis(calls, x, 3, ci4);
        const dys = readableWithTail(backend, dy, co8 - co) ? dy : padAxis(calls, dy, 3, co8);
        const wasm = backend as unknown as WasmBackendInternals;
        const dw = calls.adopt(wasm.makeOutput([kh, kw, ci4, co8], 'float32'));
        wasm.typedArrayFromHeap(dw).fill(0);
        simd.convFilterGrad(
          heapOffset(backend, xs), heapOffset(backend, dys), heapOffset(backend, dw),
          info.batchSize, info.inHeight, info.inWidth, ci4, info.outHeight, info.outWidth, co8,
          info.filterHeight, info.filterWidth, info.strideHeight, info.padInfo.top, info.padInfo.left,
          xs.shape[3], dys.shape[3],
        );
        return calls.keep(cropTo(calls, dw, filterShape));
      }
      const xT = calls.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
      const dyT = calls.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
      const top = info.padInfo.top;
      const left = info.padInfo.left;
      // Padded rows must give exactly kh outputs: H + top + bottom = (OH - 1) * s + kh.
      const bottom = (info.outHeight - 1) * info.strideHeight + info.filterHeight - info.inHeight - top;
      const right = (info.outWidth - 1) * info.strideWidth + info.filterWidth - info.inWidth - left;
      const prepared = cropForPadding(calls, xT, top, bottom, left, right);
      const dWT = calls.run('Conv2D', { x: prepared.x, filter: dyT }, {
        strides: [1, 1],
        dilations: [info.strideHeight, info.strideWidth],
        pad: prepared.pad,
        dataFormat: 'NHWC',
        dimRoundingMode: undefined as never,
      });
      return calls.keep(calls.run('Transpose', { x: dWT }, { perm: [1, 2, 0, 3] }));
    } finally {
      calls.release();
    }
  };
}

export function conv2DBackpropFilterConfig(backendName: string): KernelConfig {
  return { kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc: makeConv2DBackpropFilter(backendName) };
}
