import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { topScoring, buildChannelGraph, RunLedger } from '@prunebench/core';
import { TinyDataset } from '@prunebench/core/testing';
import { makePruner, pruneContext, tinyConvNet } from '../testing/fixtures';
import { l2FilterScores } from '../criteria/kernel-norms';
import type { SoftFilterPruner } from './sfp';

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
    expect(Array.from(await l2FilterScores(kernel)).every((v) => v > 0)).toBe(true);
    const graph = buildChannelGraph(model);
    expect(graph.groups.filter((g) => g.prunable)).toHaveLength(2);
    result.model.dispose();
    model.dispose();
    expect(topScoring([1, 3, 2], 2)).toEqual([1, 2]);
  });

  it("follows the paper's schedule: lr/10 for the first epoch, then 0.1 × 0.2 at epochs 60, 120 and 160 of 200", () => {
    const paper = makePruner('sfp', { plan: { use: 'uniform', ratio: 0.3 } }) as SoftFilterPruner;
    const lr = (e: number) => paper.lrAt(e);
    expect([0, 1, 59].map(lr)).toEqual([0.01, 0.1, 0.1]);
    expect(lr(60)).toBeCloseTo(0.02, 12);
    expect(lr(119)).toBeCloseTo(0.02, 12);
    expect(lr(120)).toBeCloseTo(0.004, 12);
    expect(lr(160)).toBeCloseTo(0.0008, 12);
    expect(lr(199)).toBeCloseTo(0.0008, 12);
  });

  it('trains with a tfjs optimizer (what the harness meters), from re-drawn weights (sfp) or from the original (sfp-pretrained)', async () => {
    const model = tinyConvNet(3);
    const dataset = new TinyDataset([6, 6, 2], 3, { train: 16, validation: 0, test: 0 });
    const applied = jest.spyOn(tf.MomentumOptimizer.prototype, 'applyGradients');
    // A negligible LR: the result is the starting weights, zeroed filters aside.
    const options = { plan: { use: 'uniform', ratio: 0.5 }, epochs: 1, batchSize: 8, lr: 1e-12, warmupEpochs: 0, weightDecay: 0 };
    const fromOriginal = await makePruner('sfp-pretrained', options).prune(model, pruneContext({ dataset }));
    const fromScratch = await makePruner('sfp', options).prune(model, pruneContext({ dataset }));
    expect(applied).toHaveBeenCalledTimes(4);
    applied.mockRestore();
    const original = model.getLayer('conv1').getWeights()[0];
    const conv1 = buildChannelGraph(model).groups.find((g) => g.producers.includes('conv1'))!;
    const kept = (fromOriginal.keptChannels as ReadonlyMap<number, readonly number[]>).get(conv1.id)!;
    expect(kept).toHaveLength(2);
    const column = (t: tf.Tensor, channels: number, c: number) => Array.from(t.dataSync()).filter((_, i) => i % channels === c);
    kept.forEach((c, j) => column(fromOriginal.model.getLayer('conv1').getWeights()[0], kept.length, j).forEach((v, i) => expect(v).toBeCloseTo(column(original, 4, c)[i], 5)));
    const scratchKernel = fromScratch.model.getLayer('conv1').getWeights()[0];
    expect(column(scratchKernel, 2, 0)).not.toEqual(column(original, 4, 0));
    [fromOriginal, fromScratch].forEach((r) => r.model.dispose());
    model.dispose();
  });

  it('explains a missing plan or missing data', async () => {
    const model = tinyConvNet();
    await expect(makePruner('sfp', {}).prune(model, pruneContext({ dataset: new TinyDataset([6, 6, 2], 3) }))).rejects.toThrow(/needs a plan/);
    await expect(makePruner('sfp', { plan: { use: 'uniform', ratio: 0.5 } }).prune(model, pruneContext())).rejects.toThrow(/needs the train split/);
    model.dispose();
  });
});
