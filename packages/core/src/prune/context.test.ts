import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RunLedger } from '../ledger/run-ledger';
import { buildChannelGraph } from '../graph/build-graph';
import { conformanceConvNet, randomizeBatchNorms, TinyDataset } from '../testing/tiny-fixtures';
import { createPruneContext } from './context';
import { checkScores, InvalidScoresError } from './scores';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const statistics = (model: tfl.LayersModel) => model.weights.filter((w) => /moving_/.test(w.originalName)).map((w) => Array.from(w.read().dataSync()));

describe('the prune context helpers', () => {
  it('serve seeded calibration batches through the given dataset, charge them and dispose them', async () => {
    const dataset = new TinyDataset([8, 8, 2], 3);
    const ledger = new RunLedger();
    const { helpers } = createPruneContext({ dataset, seed: 5, ledger });
    const before = tf.memory().numTensors;
    const firsts: number[] = [];
    for await (const batch of helpers.calibrationBatches({ batches: 3, batchSize: 8 })) firsts.push(batch.x.dataSync()[0]);
    expect(firsts).toHaveLength(3);
    expect(tf.memory().numTensors).toBe(before); // every batch disposed, the stream closed
    expect(dataset.served).toBe(24); // nothing drawn beyond what was asked
    expect(ledger.entries).toMatchObject({ extraForwardSamples: 24, extraBackwardSamples: 0 });
    // Same seed, same batches; another seed, another order.
    const again: number[] = [];
    for await (const batch of createPruneContext({ dataset, seed: 5, ledger: new RunLedger() }).helpers.calibrationBatches({ batches: 3, batchSize: 8 })) again.push(batch.x.dataSync()[0]);
    expect(again).toEqual(firsts);
    const other: number[] = [];
    for await (const batch of createPruneContext({ dataset, seed: 6, ledger: new RunLedger() }).helpers.calibrationBatches({ batches: 3, batchSize: 8 })) other.push(batch.x.dataSync()[0]);
    expect(other).not.toEqual(firsts);
  });

  it('stop drawing when the loop breaks early, and explain a missing dataset', async () => {
    const dataset = new TinyDataset([8, 8, 2], 3);
    const { helpers } = createPruneContext({ dataset, seed: 0, ledger: new RunLedger() });
    const before = tf.memory().numTensors;
    for await (const _batch of helpers.calibrationBatches({ batches: 5, batchSize: 8 })) break;
    expect(tf.memory().numTensors).toBe(before);
    expect(dataset.served).toBe(8);
    const none = createPruneContext({ seed: 0, ledger: new RunLedger() }).helpers.calibrationBatches({ batches: 1, batchSize: 8 });
    await expect(none.next()).rejects.toThrow(/needs calibration data.*no dataset/);
  });

  it('tap a group before or after its BatchNorm', () => {
    const model = conformanceConvNet();
    const graph = buildChannelGraph(model);
    const { helpers } = createPruneContext({ seed: 0, ledger: new RunLedger() });
    const residual = graph.groups.find((g) => g.residual)!;
    expect(helpers.taps(residual, 'before-bn')).toEqual([{ layer: 'conv1', offset: 0 }, { layer: 'conv2', offset: 0 }]);
    expect(helpers.taps(residual, 'after-bn')).toEqual([{ layer: 'bn1', offset: 0 }, { layer: 'bn2', offset: 0 }]);
    const fc = graph.groups.find((g) => g.producers.join() === 'fc')!;
    expect(helpers.taps(fc, 'after-bn')).toEqual([{ layer: 'fc', offset: 0 }]);
    model.dispose();
  });

  it('give activations and their loss gradients (the sum of a·g equals the directional derivative), charging the backward pass', async () => {
    const model = conformanceConvNet();
    randomizeBatchNorms(model);
    const ledger = new RunLedger();
    const { helpers } = createPruneContext({ seed: 0, ledger });
    const x = tf.randomNormal([4, 8, 8, 2], 0, 1, 'float32', 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
    const before = tf.memory().numTensors;
    const { activations, gradients } = helpers.activationGradients(model, { x, y }, ['bn3'], { reduction: 'sum' });
    expect(activations.get('bn3')!.shape).toEqual([4, 8, 8, 5]);
    expect(gradients.get('bn3')!.shape).toEqual([4, 8, 8, 5]);
    // Scaling bn3's output by (1 + ε) changes the loss by ε · Σ a·g.
    const predicted = tf.tidy(() => tf.sum(tf.mul(activations.get('bn3')!, gradients.get('bn3')!)).dataSync()[0]);
    const rest = (a: tf.Tensor) => ['relu3', 'pool', 'flatten', 'fc'].reduce((t, name) => model.getLayer(name).apply(t) as tf.Tensor, a);
    const eps = 1e-3;
    const numeric = tf.tidy(() => {
      const a = activations.get('bn3')!;
      const loss = (s: number) => tf.losses.softmaxCrossEntropy(y, rest(tf.mul(a, s)), undefined, undefined, tf.Reduction.SUM).dataSync()[0];
      return (loss(1 + eps) - loss(1 - eps)) / (2 * eps);
    });
    expect(predicted).toBeCloseTo(numeric, 2);
    tf.dispose([...activations.values(), ...gradients.values()]);
    expect(tf.memory().numTensors).toBe(before);
    expect(ledger.entries.extraBackwardSamples).toBe(4);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('run training-mode forwards (batch statistics) and leave the BatchNorm moving statistics as they were', () => {
    const model = conformanceConvNet();
    randomizeBatchNorms(model);
    const { helpers } = createPruneContext({ seed: 0, ledger: new RunLedger() });
    const x = tf.randomNormal([6, 8, 8, 2], 2, 3, 'float32', 4);
    const stats = statistics(model);
    const training = helpers.activations(model, x, ['bn1'], { training: true });
    const inference = helpers.activations(model, x, ['bn1']);
    // Training mode normalises with the batch's own statistics: per channel mean ≈ beta.
    const beta = model.getLayer('bn1').getWeights()[1].dataSync();
    const means = tf.tidy(() => tf.mean(training.get('bn1')!, [0, 1, 2]).dataSync());
    Array.from(means).forEach((m, c) => expect(m).toBeCloseTo(beta[c], 3));
    expect(Array.from(inference.get('bn1')!.dataSync())).not.toEqual(Array.from(training.get('bn1')!.dataSync()));
    const grads = helpers.activationGradients(model, { x, y: tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3) }, ['bn2'], { training: true });
    expect(statistics(model)).toEqual(stats);
    tf.dispose([x, ...training.values(), ...inference.values(), ...grads.activations.values(), ...grads.gradients.values()]);
    model.dispose();
  });
});

describe('checkScores', () => {
  it('accepts exactly n finite numbers and says what is wrong otherwise', () => {
    expect(checkScores(new Float32Array([1, 2]), 2, 'c')).toEqual(new Float32Array([1, 2]));
    expect(() => checkScores(new Float32Array([1]), 2, 'criterion "x" for group 3')).toThrow(/criterion "x" for group 3 returned 1 scores, expected 2/);
    expect(() => checkScores(new Float32Array([1, NaN]), 2, 'c')).toThrow(InvalidScoresError);
    expect(() => checkScores(new Float32Array([Infinity, 0]), 2, 'c')).toThrow(/Infinity at index 0/);
    expect(() => checkScores([1, 2], 2, 'c')).toThrow(/must return a Float32Array/);
  });
});
