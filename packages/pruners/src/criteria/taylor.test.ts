import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { topScoring, buildChannelGraph, type Dataset, type PruneContext } from '@prunebench/core';
import { NoiseDataset, makePruner, pruneContext, randomizeBatchNorms, recordingLedger, tinyConvNet } from '../testing/fixtures';
import { PerLayerPlan } from '../plans/per-layer';
import type { StructuredPruner } from '../structured/structured-pruner';

// On the backend users get: wasm with prunebench's kernels.
beforeAll(() => useBackend(wasmBackend));

/** The criterion inside a pruner made from a config entry, and its scores for every prunable group. */
async function scoresOf(id: string, model: tfl.LayersModel, context: PruneContext, options: Record<string, unknown> = {}) {
  const criterion = (makePruner(id, options) as StructuredPruner).criterion;
  const graph = buildChannelGraph(model);
  const groups = graph.groups.filter((g) => g.prunable);
  const scoring = { model, graph, seed: context.seed, ledger: context.ledger, helpers: context.helpers };
  await criterion.prepare?.(groups, scoring);
  return new Map(await Promise.all(groups.map(async (g) => [g.id, await criterion.score(g, scoring)] as const)));
}

/** |Σ_spatial a·∂L/∂a| at bn2's output, averaged over examples, computed from split models. */
async function referenceScores(model: tfl.LayersModel, dataset: Dataset, batches: number, batchSize: number, variant: '2017' | '2019' = '2017'): Promise<Float32Array> {
  const upToBn2 = tfl.model({ inputs: model.inputs, outputs: model.getLayer('bn2').output as tfl.SymbolicTensor });
  const rest = (a: tf.Tensor) =>
    ['relu2', 'pool', 'flatten', 'fc'].reduce((t, name) => model.getLayer(name).apply(t) as tf.Tensor, a);
  const total = new Float32Array(6);
  let examples = 0;
  let i = 0;
  for await (const { x, y } of dataset.batches('train', { batchSize, seed: 0, epoch: 0, shuffle: true, augment: false })) {
    if (i++ >= batches) {
      tf.dispose([x, y]);
      break;
    }
    const values = tf.tidy(() => {
      const a = upToBn2.predict(x) as tf.Tensor;
      if (variant === '2019') {
        // A gate of ones after bn2, batch-mean loss: (∂L/∂gate)² per batch.
        const gate = tf.ones([6]);
        const g = tf.grad((t: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, rest(tf.mul(a, t))))(gate);
        return tf.square(g);
      }
      const g = tf.grad((t: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, rest(t), undefined, undefined, tf.Reduction.SUM))(a);
      return tf.sum(tf.abs(tf.sum(tf.mul(a, g), [1, 2])), 0);
    });
    values.dataSync().forEach((v, k) => (total[k] += v));
    values.dispose();
    examples += variant === '2019' ? 1 : x.shape[0];
    tf.dispose([x, y]);
  }
  return total.map((v) => v / examples);
}

describe('taylor-2017 (alias taylor)', () => {
  it('scores |activation × gradient| and charges its calibration passes to the ledger', async () => {
    const model = tinyConvNet(2);
    randomizeBatchNorms(model, 4);
    const dataset = new NoiseDataset();
    const ledger = recordingLedger();
    const before = tf.memory().numTensors;
    const scores = await scoresOf('taylor-2017', model, pruneContext({ ledger, dataset }), { batches: 2, batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
    expect(ledger.entries.extraForwardSamples).toBe(16);
    expect(ledger.entries.extraBackwardSamples).toBe(16);
    expect(ledger.entries.optimizerSteps).toBe(0);
    const graph = buildChannelGraph(model);
    const conv2 = graph.groups[graph.convs[1].outputGroup];
    const expected = await referenceScores(model, dataset, 2, 8);
    const got = scores.get(conv2.id)!;
    expect(got.some((v) => v > 0)).toBe(true);
    got.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 4));
    // And prune keeps the top-scored channels.
    const result = await makePruner('taylor', { batches: 2, batchSize: 8 }).prune(model, pruneContext({ dataset, plan: new PerLayerPlan({ keep: { '2': 3 } }) }));
    const selection = result.keptChannels as Map<number, number[]>;
    expect(selection.get(conv2.id)).toEqual(topScoring(expected, 3));
    result.model.dispose();
    model.dispose();
  });

  it('declares that it needs data and gradients, and refuses to run without data', async () => {
    const pruner = makePruner('taylor-2017', { batches: 1, batchSize: 4 });
    expect(pruner.requirements).toEqual({ structured: true, needsData: true, needsGradients: true, trainsItself: false });
    const model = tinyConvNet();
    await expect(pruner.prune(model, pruneContext({ plan: new PerLayerPlan({ keep: { '1': 2 } }) }))).rejects.toThrow(/needs calibration data/);
    model.dispose();
  });
});

describe('taylor-fo-2019', () => {
  it('scores the squared batch gradient of a gate after BN, averaged over batches', async () => {
    const model = tinyConvNet(3);
    randomizeBatchNorms(model, 5);
    const dataset = new NoiseDataset();
    const ledger = recordingLedger();
    const scores = await scoresOf('taylor-fo-2019', model, pruneContext({ ledger, dataset }), { batches: 3, batchSize: 8 });
    expect(ledger.entries).toMatchObject({ extraForwardSamples: 24, extraBackwardSamples: 24 });
    const graph = buildChannelGraph(model);
    const expected = await referenceScores(model, dataset, 3, 8, '2019');
    const got = scores.get(graph.convs[1].outputGroup)!;
    expect(got.some((v) => v > 0)).toBe(true);
    got.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 6));
    model.dispose();
  });

  it('averages with momentum when the same criterion scores the same group again', async () => {
    const model = tinyConvNet(3);
    const criterion = (makePruner('taylor-fo-2019', { batches: 1, batchSize: 8, momentum: 0.5 }) as StructuredPruner).criterion;
    const graph = buildChannelGraph(model);
    const group = graph.groups[graph.convs[1].outputGroup];
    const score = async (seed: number) => {
      const context = pruneContext({ seed, dataset: new NoiseDataset() });
      const scoring = { model, graph, seed, ledger: context.ledger, helpers: context.helpers };
      await criterion.prepare!([group], scoring);
      return Float32Array.from(await criterion.score(group, scoring));
    };
    const first = await score(0);
    const fresh = (await scoresOf('taylor-fo-2019', model, pruneContext({ seed: 1, dataset: new NoiseDataset() }), { batches: 1, batchSize: 8 })).get(group.id)!;
    const second = await score(1);
    second.forEach((v, k) => expect(v).toBeCloseTo(0.5 * first[k] + 0.5 * fresh[k], 6));
    model.dispose();
  });

  it('carries each kept channel\'s average through a pruning that narrows its group (by channel identity), as the structured pruner reports it', async () => {
    const model = tinyConvNet(4);
    randomizeBatchNorms(model, 2);
    const pruner = makePruner('taylor-fo-2019', { batches: 1, batchSize: 8, plan: { use: 'uniform', ratio: 0.5 } }) as StructuredPruner;
    const criterion = pruner.criterion;
    const told = jest.spyOn(criterion, 'channelsKept');
    const scoreOn = async (m: tfl.LayersModel, seed: number) => {
      const graph = buildChannelGraph(m);
      const group = graph.groups[graph.convs[1].outputGroup];
      const context = pruneContext({ seed, dataset: new NoiseDataset() });
      const scoring = { model: m, graph, seed, ledger: context.ledger, helpers: context.helpers };
      await criterion.prepare!([group], scoring);
      return { group, scores: Float32Array.from(await criterion.score(group, scoring)) };
    };
    // The pruner scores conv2's group (6 channels), keeps 3 and tells the criterion which.
    const { group, scores: first } = await scoreOn(model, 0);
    const pruned = await pruner.prune(model, pruneContext({ seed: 0, dataset: new NoiseDataset() }));
    expect(told).toHaveBeenCalled();
    const kept = (pruned.keptChannels as ReadonlyMap<number, readonly number[]>).get(group.id)!;
    expect(kept).toHaveLength(3);
    // The pruner's own scoring (seed 0 again) moved the averages once more: m·first + (1 − m)·first = first.
    const { scores: second } = await scoreOn(pruned.model, 1);
    const fresh = (await scoresOf('taylor-fo-2019', pruned.model, pruneContext({ seed: 1, dataset: new NoiseDataset() }), { batches: 1, batchSize: 8 })).get(buildChannelGraph(pruned.model).convs[1].outputGroup)!;
    expect(second).toHaveLength(3);
    second.forEach((v, j) => expect(v).toBeCloseTo(0.9 * first[kept[j]] + 0.1 * fresh[j], 6));
    pruned.model.dispose();
    model.dispose();
  });
});
