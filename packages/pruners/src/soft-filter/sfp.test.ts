import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildChannelGraph, RunLedger } from '@prunebench/core';
import { TinyDataset } from '@prunebench/core/testing';
import { makePruner, pruneContext, tinyConvNet } from '../testing/fixtures';
import { l2FilterScores } from '../criteria/kernel-norms';
import { topScoring } from '../util/ranking';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('sfp (Soft Filter Pruning)', () => {
  it('trains itself for its epochs, charges every step, and removes the filters lowest in l2 at the end', async () => {
    const model = tinyConvNet();
    const dataset = new TinyDataset([6, 6, 2], 3, { train: 32, validation: 0, test: 0 });
    const ledger = new RunLedger();
    const pruner = makePruner('sfp', { plan: { use: 'uniform', ratio: 0.5 }, epochs: 2, batchSize: 8, lr: 0.05 });
    expect(pruner.requirements).toEqual({ structured: true, needsData: true, needsGradients: true, trainsItself: true });
    const before = Array.from(model.getLayer('conv1').getWeights()[0].dataSync());
    const result = await pruner.prune(model, pruneContext({ dataset, ledger }));
    // 2 epochs × 4 steps of 8, each charged as a step and a forward and backward pass per example.
    expect(ledger.entries).toMatchObject({ extraOptimizerSteps: 8, extraForwardSamples: 64, extraBackwardSamples: 64, optimizerSteps: 0 });
    expect(Array.from(model.getLayer('conv1').getWeights()[0].dataSync())).toEqual(before); // the given model is untouched
    expect(result.groups!.map((g) => [g.kept, g.total])).toEqual([[2, 4], [3, 6]]);
    // The kept filters of the trained model are its highest-l2 ones, and the removed ones were zeroed during training:
    // the pruned model's conv2 holds exactly the trained filters, none of them zero.
    const kernel = result.model.getLayer('conv2').getWeights()[0];
    expect(kernel.shape).toEqual([3, 3, 2, 3]);
    expect(Array.from(l2FilterScores(kernel)).every((v) => v > 0)).toBe(true);
    const graph = buildChannelGraph(model);
    expect(graph.groups.filter((g) => g.prunable)).toHaveLength(2);
    result.model.dispose();
    model.dispose();
    expect(topScoring([1, 3, 2], 2)).toEqual([1, 2]);
  });

  it('explains a missing plan or missing data', async () => {
    const model = tinyConvNet();
    await expect(makePruner('sfp', {}).prune(model, pruneContext({ dataset: new TinyDataset([6, 6, 2], 3) }))).rejects.toThrow(/needs a plan/);
    await expect(makePruner('sfp', { plan: { use: 'uniform', ratio: 0.5 } }).prune(model, pruneContext())).rejects.toThrow(/needs the train split/);
    model.dispose();
  });
});
