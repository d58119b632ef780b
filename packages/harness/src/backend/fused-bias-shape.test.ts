import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from './select';
import { applyKeptChannels, buildChannelGraph } from '@prunebench/core';

beforeAll(async () => {
  await selectBackend('wasm');
});

/**
 * wasm's GatherV2 (like its Concat, BatchMatMul and keepDims reductions, and every Reshape,
 * which shares data) leaves the backend's record of the data at another shape than the tensor's:
 * a gathered [C] bias is recorded as [1, 1, C, 1]. The stock fused kernels read the bias's rank
 * from that record and refuse it; prunebench's wrappers check the tensor's own shape.
 */
describe('fused kernels on wasm take a bias whose data the backend recorded at another shape', () => {
  const biasFrom = (channels: number) => tf.gather(tf.range(0, channels * 2, 1, 'float32'), tf.range(0, channels, 1, 'int32'));

  it('conv2d (FusedConv2D)', () => {
    const y = tf.tidy(() => tf.fused.conv2d({ x: tf.ones<tf.Rank.R4>([1, 3, 3, 2]), filter: tf.ones<tf.Rank.R4>([1, 1, 2, 4]), strides: 1, pad: 'valid', bias: biasFrom(4) }));
    expect(Array.from(y.dataSync().slice(0, 4))).toEqual([2, 3, 4, 5]);
    y.dispose();
  });

  it('depthwise conv2d (FusedDepthwiseConv2D)', () => {
    const y = tf.tidy(() => tf.fused.depthwiseConv2d({ x: tf.ones<tf.Rank.R4>([1, 3, 3, 2]), filter: tf.ones<tf.Rank.R4>([1, 1, 2, 1]), strides: 1, pad: 'valid', bias: biasFrom(2) }));
    expect(Array.from(y.dataSync().slice(0, 2))).toEqual([1, 2]);
    y.dispose();
  });

  it('matMul (_FusedMatMul, Dense layers)', () => {
    const y = tf.tidy(() => tf.fused.matMul({ a: tf.ones<tf.Rank.R2>([1, 2]), b: tf.ones<tf.Rank.R2>([2, 3]), bias: biasFrom(3) }));
    expect(Array.from(y.dataSync())).toEqual([2, 3, 4]);
    y.dispose();
  });

  it('a conv net with biases still runs forward and trains after applyKeptChannels', () => {
    const input = tfl.input({ shape: [6, 6, 1] });
    const c1 = tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tfl.SymbolicTensor;
    const fc1 = tfl.layers.dense({ units: 5, activation: 'relu' }).apply(tfl.layers.flatten().apply(c1)) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 2 }).apply(fc1) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const graph = buildChannelGraph(model);
    const selection = new Map(graph.groups.filter((g) => g.prunable).map((g) => [g.id, [0, 2]]));
    const pruned = applyKeptChannels(model, graph, selection);
    const tensors = tf.memory().numTensors;
    tf.tidy(() => {
      const y = pruned.predict(tf.ones([2, 6, 6, 1])) as tf.Tensor;
      expect(y.shape).toEqual([2, 2]);
      const { grads } = tf.variableGrads(() => tf.sum(pruned.apply(tf.ones([2, 6, 6, 1]), { training: true }) as tf.Tensor) as tf.Scalar);
      expect(Object.keys(grads).length).toBe(pruned.trainableWeights.length);
    });
    expect(tf.memory().numTensors).toBe(tensors);
    [model, pruned].forEach((m) => m.dispose());
  });
});
