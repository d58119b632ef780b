import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** The part of tfjs-backend-wasm's BackendWasm this wrapper uses: its record of each data's shape. */
interface WasmDataRecords {
  dataIdMap: { get(dataId: object): { shape: number[] } | undefined };
}

/** The wasm kernels that read their bias's rank from the backend's data record, not from the tensor. */
export const FUSED_BIAS_KERNELS = ['FusedConv2D', 'FusedDepthwiseConv2D', '_FusedMatMul'] as const;

/**
 * The wasm backend keeps one shape per data buffer, and it is not always the tensor's shape:
 * Reshape shares the buffer under a new shape, and GatherV2, Concat, BatchMatMul and the
 * keepDims reductions allocate their output at a flattened shape and only relabel the tensor.
 * A bias sliced with tf.gather (applyKeptChannels) is `[C]` but recorded as `[1, 1, C, 1]`,
 * and the stock fused kernels refuse it ("only supports rank-1 bias but got rank 4").
 * The tensor's own shape is the true one, so this shows it to the stock kernel for the call
 * (kernels are synchronous) and restores the record afterwards.
 */
export function withTrueBiasShape(stock: KernelFunc): KernelFunc {
  return (args) => {
    const bias = (args.inputs as { bias?: TensorInfo }).bias;
    const record = bias ? (args.backend as unknown as WasmDataRecords).dataIdMap.get(bias.dataId) : undefined;
    if (!bias || !record || record.shape.length === bias.shape.length) return stock(args);
    const recorded = record.shape;
    record.shape = bias.shape.slice();
    try {
      return stock(args);
    } finally {
      record.shape = recorded;
    }
  };
}

export function fusedBiasShapeConfig(kernelName: string, backendName: string, stock: KernelFunc): KernelConfig {
  return { kernelName, backendName, kernelFunc: withTrueBiasShape(stock) };
}
