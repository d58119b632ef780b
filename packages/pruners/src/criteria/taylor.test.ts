import * as tf from '@tensorflow/tfjs-core';
import { useWasmBackend } from '@prunebench/core/testing';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildChannelGraph, type Batch, type BatchOptions, type Dataset, type DatasetInfo } from '@prunebench/core';
import { randomizeBatchNorms, recordingLedger, tinyConvNet } from '../testing/fixtures';
import { PerLayerPlan } from '../plans/per-layer';
import { selectTopK } from '../util/select';
import { TaylorPruner } from './taylor';

// On the backend users get: wasm with prunebench's kernels.
beforeAll(useWasmBackend);

/** Random 6×6×2 examples of 3 classes; the same batches for the same seed. */
class NoiseDataset implements Dataset {
  async load(): Promise<DatasetInfo> {
    return { inputShape: [6, 6, 2], numClasses: 3, sizes: { train: 40, validation: 0, test: 0 } };
  }
  async *batches(_split: string, options: BatchOptions): AsyncIterable<Batch> {
    for (let i = 0; i * options.batchSize < 40; i++) {
      const n = Math.min(options.batchSize, 40 - i * options.batchSize);
      yield {
        x: tf.randomNormal([n, 6, 6, 2], 0, 1, 'float32', options.seed * 100 + i + 1),
        y: tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, k) => (k + i) % 3), 'int32'), 3)),
      };
    }
  }
}

/** Exposes the scores, to check them against an independent computation. */
class ScoringTaylor extends TaylorPruner {
  score(model: tfl.LayersModel, context: Parameters<TaylorPruner['prune']>[1]) {
    const graph = buildChannelGraph(model);
    return this.scoreGroups(model, graph, graph.groups.filter((g) => g.prunable), context);
  }
}

/** |Σ_spatial a·∂L/∂a| at bn2's output, averaged over examples, computed from split models. */
async function referenceScores(model: tfl.LayersModel, dataset: Dataset, batches: number, batchSize: number): Promise<Float32Array> {
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
      const g = tf.grad((t: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, rest(t), undefined, undefined, tf.Reduction.SUM))(a);
      return tf.sum(tf.abs(tf.sum(tf.mul(a, g), [1, 2])), 0);
    });
    values.dataSync().forEach((v, k) => (total[k] += v));
    values.dispose();
    examples += x.shape[0];
    tf.dispose([x, y]);
  }
  return total.map((v) => v / examples);
}

describe('taylor', () => {
  it('scores |activation × gradient| and charges its calibration passes to the ledger', async () => {
    const model = tinyConvNet(2);
    randomizeBatchNorms(model, 4);
    const dataset = new NoiseDataset();
    const ledger = recordingLedger();
    const pruner = new ScoringTaylor({ batches: 2, batchSize: 8 });
    const before = tf.memory().numTensors;
    const scores = await pruner.score(model, { seed: 0, ledger, dataset });
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
    const result = await new TaylorPruner({ batches: 2, batchSize: 8 }).prune(model, {
      seed: 0,
      ledger: recordingLedger(),
      dataset,
      plan: new PerLayerPlan({ keep: { '2': 3 } }),
    });
    const selection = result.selection as Map<number, number[]>;
    expect(selection.get(conv2.id)).toEqual(selectTopK(expected, 3));
    result.model.dispose();
    model.dispose();
  });

  it('declares that it needs data and gradients, and refuses to run without data', async () => {
    const pruner = new TaylorPruner({ batches: 1, batchSize: 4 });
    expect(pruner.requirements).toEqual({ structured: true, needsData: true, needsGradients: true, trainsItself: false });
    const model = tinyConvNet();
    await expect(
      pruner.prune(model, { seed: 0, ledger: recordingLedger(), plan: new PerLayerPlan({ keep: { '1': 2 } }) }),
    ).rejects.toThrow(/needs calibration data/);
    model.dispose();
  });
});
