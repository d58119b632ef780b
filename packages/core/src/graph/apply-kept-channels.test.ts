import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { wasmBackend } from '@prunebench/backend-wasm';
import { useBackend } from '../testing/backend';
import { applyKeptChannels } from './apply-kept-channels';
import { buildChannelGraph } from './build-graph';
import { zeroDroppedChannels } from './zero-dropped-channels';

// On the backend users get: wasm with prunebench's kernels.
beforeAll(() => useBackend(wasmBackend));

/**
 * conv1 → BN → ReLU → depthwise → conv2 ┐
 *                   └──────────→ conv3 ┴ concat → conv4 → BN ┐
 *                                             └─→ proj (1×1) ┴ add → ReLU → flatten → fc1 → BN → ReLU → fc2
 */
function buildNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 3] });
  const conv = (name: string, filters: number, kernelSize = 3) =>
    tfl.layers.conv2d({ name, filters, kernelSize, padding: 'same', kernelInitializer: tfl.initializers.randomNormal({ seed: filters + kernelSize }) });
  const a = tfl.layers.reLU().apply(tfl.layers.batchNormalization({ name: 'bn1' }).apply(conv('conv1', 6).apply(input))) as tfl.SymbolicTensor;
  const dw = tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same' }).apply(a) as tfl.SymbolicTensor;
  const c2 = conv('conv2', 5).apply(dw) as tfl.SymbolicTensor;
  const c3 = conv('conv3', 4, 1).apply(a) as tfl.SymbolicTensor;
  const cat = tfl.layers.concatenate({ name: 'cat' }).apply([c2, c3]) as tfl.SymbolicTensor;
  const c4 = tfl.layers.batchNormalization({ name: 'bn4' }).apply(conv('conv4', 6).apply(cat)) as tfl.SymbolicTensor;
  const proj = conv('proj', 6, 1).apply(cat) as tfl.SymbolicTensor;
  const sum = tfl.layers.reLU().apply(tfl.layers.add({ name: 'add' }).apply([c4, proj])) as tfl.SymbolicTensor;
  const fc1 = tfl.layers.dense({ name: 'fc1', units: 7 }).apply(tfl.layers.flatten({ name: 'flat' }).apply(sum)) as tfl.SymbolicTensor;
  const hidden = tfl.layers.reLU().apply(tfl.layers.batchNormalization({ name: 'bn_fc1' }).apply(fc1)) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'fc2', units: 3 }).apply(hidden) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** Gives BN layers non-trivial statistics, so slicing them wrongly would show. */
function randomizeBatchNorm(model: tfl.LayersModel): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const values = layer.getWeights().map((w, i) =>
      i === 3 ? tf.randomUniform(w.shape, 0.5, 1.5, 'float32', i) : tf.randomNormal(w.shape, 0, 1, 'float32', i + 1),
    );
    layer.setWeights(values);
    tf.dispose(values);
  }
}

describe('applyKeptChannels', () => {
  it('builds a smaller model whose outputs equal the original with those channels zeroed', () => {
    const model = buildNet();
    randomizeBatchNorm(model);
    const graph = buildChannelGraph(model);
    const group = (...producers: string[]) => graph.groups.find((g) => producers.every((p) => g.producers.includes(p)))!;
    const keep = new Map<number, number[]>([
      [group('conv1').id, [0, 2, 5]],
      [group('conv2').id, [1, 3]],
      [group('conv3').id, [0, 3]],
      [group('conv4', 'proj').id, [0, 1, 4]],
      [group('fc1').id, [2, 3, 6]],
    ]);
    expect([...keep.keys()].every((id) => graph.groups[id].prunable)).toBe(true);

    const before = tf.memory().numTensors;
    const pruned = applyKeptChannels(model, graph, keep);
    expect(tf.memory().numTensors).toBe(before + pruned.weights.length);

    const shapes = Object.fromEntries(pruned.layers.flatMap((l) => l.weights.map((w) => [w.originalName, w.shape])));
    expect(shapes['conv1/kernel']).toEqual([3, 3, 3, 3]);
    expect(shapes['bn1/gamma']).toEqual([3]);
    expect(shapes['dw/depthwise_kernel']).toEqual([3, 3, 3, 1]);
    expect(shapes['conv2/kernel']).toEqual([3, 3, 3, 2]);
    expect(shapes['conv3/kernel']).toEqual([1, 1, 3, 2]);
    expect(shapes['conv4/kernel']).toEqual([3, 3, 4, 3]);
    expect(shapes['proj/kernel']).toEqual([1, 1, 4, 3]);
    expect(shapes['bn4/moving_variance']).toEqual([3]);
    expect(shapes['fc1/kernel']).toEqual([4 * 4 * 3, 3]);
    expect(shapes['fc2/kernel']).toEqual([3, 3]);

    zeroDroppedChannels(model, graph, keep);
    const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 7);
    const expected = model.predict(x) as tf.Tensor;
    const actual = pruned.predict(x) as tf.Tensor;
    const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(expected, actual))).dataSync()[0]);
    const scale = tf.tidy(() => tf.max(tf.abs(expected)).dataSync()[0]);
    expect(scale).toBeGreaterThan(1e-3);
    expect(difference).toBeLessThan(1e-4 * Math.max(1, scale));
    tf.dispose([x, expected, actual]);
    pruned.dispose();
    model.dispose();
  });

  it('prunes a Sequential model too', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ name: 's1', inputShape: [4, 4, 2], filters: 5, kernelSize: 3, padding: 'same' }),
        tfl.layers.flatten({ name: 'sflat' }),
        tfl.layers.dense({ name: 's2', units: 2 }),
      ],
    });
    const graph = buildChannelGraph(model);
    const s1 = graph.groups.find((g) => g.producers.includes('s1'))!;
    const keep = new Map([[s1.id, [1, 4]]]);
    const pruned = applyKeptChannels(model, graph, keep);
    expect(pruned.getLayer('s2').getWeights()[0].shape).toEqual([32, 2]);
    zeroDroppedChannels(model, graph, keep);
    const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 3);
    const [a, b] = [model.predict(x) as tf.Tensor, pruned.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync()).map((v) => v.toFixed(4))).toEqual(Array.from(a.dataSync()).map((v) => v.toFixed(4)));
    tf.dispose([x, a, b]);
    pruned.dispose();
    model.dispose();
  });

  it('refuses unprunable groups and malformed indices', () => {
    const model = buildNet();
    const graph = buildChannelGraph(model);
    const output = graph.groups.find((g) => g.producers.includes('fc2'))!;
    const conv1 = graph.groups.find((g) => g.producers.includes('conv1'))!;
    expect(() => applyKeptChannels(model, graph, { [output.id]: [0, 1] })).toThrow(/cannot be pruned: reaches the model output/);
    expect(() => applyKeptChannels(model, graph, { [conv1.id]: [2, 1] })).toThrow(/sorted, distinct/);
    expect(() => applyKeptChannels(model, graph, { [conv1.id]: [6] })).toThrow(/0\.\.5/);
    expect(() => applyKeptChannels(model, graph, { [conv1.id]: [] })).toThrow(/at least one/);
    model.dispose();
  });
});
