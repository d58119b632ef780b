import {
  backend_util,
  type Conv2DBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelCalls, cropForPadding } from './kernel-calls';
import { heapOffset, simdKernels, type WasmBackendInternals } from './simd-kernels';
import { stridedInputGradient } from './strided-input-gradient';

/** Set to `0` to use the forward-conv formulation below for every shape (to compare them). */
export const SIMD_INPUT_GRADIENT_ENV = 'PRUNEBENCH_SIMD_INPUT_GRADIENT';

/**
 * Spreads `dy` [N, OH, OW, C] onto a grid `stride` times finer: dy[n, i, j] lands at
 * [n, i*sh, j*sw] of an [N, OH*sh, OW*sw, C] tensor of zeros (the trailing sh-1 rows and sw-1
 * columns are zeros too; callers account for them in their padding). Two reshapes and a pad.
 */
export function dilateByStride(calls: KernelCalls, dy: TensorInfo, strideHeight: number, strideWidth: number): TensorInfo {
  if (strideHeight === 1 && strideWidth === 1) return dy;
  const [n, oh, ow, c] = dy.shape;
  const spread = calls.run('Reshape', { x: dy }, { shape: [n, oh, 1, ow, 1, c] });
  const padded = calls.run('PadV2', { x: spread }, {
    paddings: [[0, 0], [0, 0], [0, strideHeight - 1], [0, 0], [0, strideWidth - 1], [0, 0]],
    constantValue: 0,
  });
  return calls.run('Reshape', { x: padded }, { shape: [n, oh * strideHeight, ow * strideWidth, c] });
}

/**
 * The input gradient of a conv through the forward conv: for stride 1, dx = conv(dy padded by
 * (k - 1 - pad), W flipped spatially with in/out channels swapped); for larger strides, one
 * such conv per phase of the stride (see strided-input-gradient.ts).
 * Falls back to `stock` for what it does not handle (NCHW).
 */
export function makeConv2DBackpropInput(backendName: string, stock: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    if (dataFormat === 'NCHW') {
      if (!stock) throw new Error('Conv2DBackpropInput: NCHW is not supported on this backend');
      return stock(args);
    }
    const info = backend_util.computeConv2DInfo(
      inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast',
    );
    const calls = new KernelCalls(backend as KernelBackend, backendName);
    const ci = info.inChannels;
    const simd =
      dy.dtype === 'float32' && filter.dtype === 'float32' && ci % 8 === 0 && info.strideHeight === info.strideWidth &&
      process.env[SIMD_INPUT_GRADIENT_ENV] !== '0'
        ? simdKernels(backend)
        : null;
    try {
      if (simd) {
        // A direct SIMD loop (simd-kernels.wat) on the filter with in/out channels swapped. Other
        // widths stay on the conv formulation below: zero-padding ci up to 8 (as the filter
        // gradient does) made pruned vgg-small's input gradients 82-90 ms a step against 61-66 ms
        // through XNNPACK's conv, which takes any channel count (benchmarks/README.md).
        const wT = calls.run('Transpose', { x: filter }, { perm: [0, 1, 3, 2] });
        const wasm = backend as unknown as WasmBackendInternals;
        const dx = wasm.makeOutput([...inputShape], 'float32');
        wasm.typedArrayFromHeap(dx).fill(0);
        simd.convInputGrad(
          heapOffset(backend, dy), heapOffset(backend, wT), heapOffset(backend, dx),
          info.batchSize, info.inHeight, info.inWidth, ci, info.outHeight, info.outWidth, info.outChannels,
          info.filterHeight, info.filterWidth, info.strideHeight, info.padInfo.top, info.padInfo.left,
        );
        return dx;
      }
      // Strided float32 convs: one stride-1 conv per phase, no work on the dilation's zeros.
      if ((info.strideHeight > 1 || info.strideWidth > 1) && dy.dtype === 'float32' && filter.dtype === 'float32') {
        return stridedInputGradient(calls, backend as KernelBackend, dy, filter, info);
      }
      const dilated = dilateByStride(calls, dy, info.strideHeight, info.strideWidth);
      const top = info.filterHeight - 1 - info.padInfo.top;
      const left = info.filterWidth - 1 - info.padInfo.left;
      // The conv must produce exactly H rows: H + k - 1 padded rows in all.
      const bottom = info.inHeight + info.filterHeight - 1 - top - dilated.shape[1];
      const right = info.inWidth + info.filterWidth - 1 - left - dilated.shape[2];
      const prepared = cropForPadding(calls, dilated, top, bottom, left, right);
      const flipped = calls.run('Reverse', { x: filter }, { dims: [0, 1] });
      const swapped = calls.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
      const dx = calls.run('Conv2D', { x: prepared.x, filter: swapped }, {
        strides: [1, 1],
        dilations: [1, 1],
        pad: prepared.pad,
        dataFormat: 'NHWC',
        dimRoundingMode: undefined as never,
      });
      return calls.keep(dx);
    } finally {
      calls.release();
    }
  };
}

export function conv2DBackpropInputConfig(backendName: string, stock: KernelFunc | undefined): KernelConfig {
  return { kernelName: 'Conv2DBackpropInput', backendName, kernelFunc: makeConv2DBackpropInput(backendName, stock) };
}
