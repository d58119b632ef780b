// Pruning a network trained in the same process on webgpu (SwiftShader): its weights then live
// only on the GPU, where Node cannot read a tensor synchronously (dataSync needs OffscreenCanvas).
// The criteria, taylor-fo-iterative, the optimizer's state and the output check must read them asynchronously.
// Runs in a child jest that alone sees the Vulkan settings (see test-swiftshader.ts).
import * as tf from '@tensorflow/tfjs-core';
import { buildChannelGraph } from '@prunebench/core';
import { SgdOptimizer, selectBackend } from '@prunebench/harness';
import { describeOnSwiftShader } from '../../../harness/src/backend/test-swiftshader';
import { compareOutputs, zeroPrunedParts } from '../../../harness/src/prune/output-check';
import { trainingStep } from '../../../harness/src/training/train';
import { NoiseDataset, makePruner, pruneContext, tinyConvNet } from '../../../pruners/src/testing/fixtures';

const PRUNERS: Array<[string, Record<string, unknown>]> = [
  ['l1', {}],
  ['fpgm', {}],
  ['thinet', { batches: 1, batchSize: 4 }],
  ['obd-c', { batches: 1, batchSize: 2 }],
];

describeOnSwiftShader('pruning a network trained on webgpu', __filename, () => {
  beforeAll(async () => {
    await selectBackend('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
  });

  it.each(PRUNERS)('%s: one training step, the optimizer state read, pruned, and the output check passes', async (id, options) => {
    const model = tinyConvNet(3);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const optimizer = new SgdOptimizer(model.trainableWeights, { weightDecay: 5e-4 });
    const batch = tf.tidy(() => ({ x: tf.randomNormal([4, 6, 6, 2], 0, 1, 'float32', 5), y: tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3), 'float32') }));
    try {
      await trainingStep(model, variables, batch, optimizer, { lr: 0.05, momentum: 0.9 }, { fromLogits: true });
      const state = await optimizer.getState();
      expect(state.step).toBe(1);
      expect(state.buffers.every((b) => b.values !== null && b.values.some((v) => v !== 0))).toBe(true);

      const result = await makePruner(id, { ...options, plan: { use: 'uniform', ratio: 0.5 } }).prune(model, pruneContext({ dataset: new NoiseDataset() }));
      expect(result.model.getLayer('conv2').getWeights()[0].shape).toEqual([3, 3, 2, 3]);
      zeroPrunedParts(model, buildChannelGraph(model), result.keptChannels);
      const check = await compareOutputs(model, result.model, { tolerance: 1e-4 });
      expect(check).toMatchObject({ passed: true });
      expect(check.outputScale).toBeGreaterThan(0);
      result.model.dispose();
    } finally {
      tf.dispose([batch.x, batch.y]);
      optimizer.dispose();
      model.dispose();
    }
  }, 60_000);

  it('taylor-fo-iterative reads its gate gradients while it trains on webgpu', async () => {
    const model = tinyConvNet(3);
    const before = tf.memory().numTensors;
    const result = await makePruner('taylor-fo-iterative', { ratio: 0.2, perIteration: 2, frequency: 1, batchSize: 8 }).prune(model, pruneContext({ dataset: new NoiseDataset() }));
    expect(result.groups!.reduce((n, g) => n + g.total - g.kept, 0)).toBe(2);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  }, 60_000);
});
