import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { useBackend, TinyDataset } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { cloneModel, RunLedger, type Batch } from '@prunebench/core';
import { makePruner, pruneContext, randomizeBatchNorms, tinyConvNet } from '../testing/fixtures';
import type { TaylorFoIterativePruner } from './taylor-fo-iterative';

beforeAll(() => useBackend(wasmBackend));

const BN = { bn1: 4, bn2: 6 } as const;

/** (Σ_{n,spatial} a · ∂L/∂a)² at each BN's output, from core's activation-gradient helper (batch-mean loss, training-mode BN). */
function gateSquares(model: LayersModel, batch: Batch): Record<keyof typeof BN, number[]> {
  const { helpers } = pruneContext();
  const { activations, gradients } = helpers.activationGradients(model, batch, Object.keys(BN), { reduction: 'mean', training: true });
  const out = {} as Record<keyof typeof BN, number[]>;
  for (const layer of Object.keys(BN) as Array<keyof typeof BN>) {
    const sum = tf.tidy(() => tf.sum(tf.mul(activations.get(layer)!, gradients.get(layer)!), [0, 1, 2]));
    out[layer] = Array.from(sum.dataSync(), (v) => v * v);
    sum.dispose();
  }
  tf.dispose([...activations.values(), ...gradients.values()]);
  return out;
}

/** Gates channels off as the pruner does: BN gamma and beta and the conv filter to zero. */
function gateOff(model: LayersModel, layer: 'bn1' | 'bn2', channel: number): void {
  const conv = layer === 'bn1' ? 'conv1' : 'conv2';
  for (const w of [...model.getLayer(layer).weights.slice(0, 2), ...model.getLayer(conv).weights]) {
    const width = w.shape[w.shape.length - 1] as number;
    tf.tidy(() => void w.write(tf.mul(w.read(), tf.tensor1d(Array.from({ length: width }, (_, c) => (c === channel ? 0 : 1))))));
  }
}

describe('taylor-fo-iterative (Molchanov et al. 2019)', () => {
  it('carries the importance per channel across iterations with momentum 0.9, as an independent computation does', async () => {
    const model = tinyConvNet(12);
    randomizeBatchNorms(model);
    const dataset = new TinyDataset([6, 6, 2], 3, { train: 32, validation: 0, test: 0 });
    // M = 2 mini-batches per iteration, N = 2 channels, 4 of 10 in all: two iterations over the epoch's 4 batches.
    // A negligible LR keeps the weights, so the independent computation needs no training of its own.
    const pruner = makePruner('taylor-fo-iterative', { ratio: 0.4, perIteration: 2, frequency: 2, batchSize: 8, lr: 1e-30 }) as TaylorFoIterativePruner;
    const ledger = new RunLedger();
    const result = await pruner.prune(model, pruneContext({ dataset, ledger }));
    expect(pruner.importanceHistory).toHaveLength(2);
    expect(ledger.entries.extraOptimizerSteps).toBe(4);

    const batches: Batch[] = [];
    for await (const batch of dataset.batches('train', { batchSize: 8, seed: 0, epoch: 0, shuffle: true, augment: true, dropRemainder: true })) batches.push(batch);
    const independent = await cloneModel(model);
    const mean = (a: number[], b: number[]) => a.map((v, k) => (v + b[k]) / 2);
    const first = [gateSquares(independent, batches[0]), gateSquares(independent, batches[1])];
    const s1 = { bn1: mean(first[0].bn1, first[1].bn1), bn2: mean(first[0].bn2, first[1].bn2) };
    // The two least important channels over both layers go.
    const ranked = (Object.keys(BN) as Array<keyof typeof BN>).flatMap((layer) => s1[layer].map((v, k) => ({ layer, k, v }))).sort((a, b) => a.v - b.v);
    const gone = ranked.slice(0, 2);
    gone.forEach(({ layer, k }) => gateOff(independent, layer, k));
    const second = [gateSquares(independent, batches[2]), gateSquares(independent, batches[3])];
    const s2 = { bn1: mean(second[0].bn1, second[1].bn1), bn2: mean(second[0].bn2, second[1].bn2) };
    const [groupOf1, groupOf2] = [...pruner.importanceHistory[1].keys()];
    for (const [layer, id] of [['bn1', groupOf1], ['bn2', groupOf2]] as const) {
      const got = pruner.importanceHistory[1].get(id)!;
      s1[layer].forEach((v, k) => {
        if (gone.some((g) => g.layer === layer && g.k === k)) return expect(got[k]).toBeNaN();
        const expected = 0.9 * v + 0.1 * s2[layer][k];
        expect(Math.abs(got[k] - expected)).toBeLessThanOrEqual(1e-4 * Math.abs(expected) + 1e-12);
      });
      // The first iteration's importance is the plain average, every channel still there.
      pruner.importanceHistory[0].get(id)!.forEach((v, k) => expect(Math.abs(v - s1[layer][k])).toBeLessThanOrEqual(1e-4 * s1[layer][k] + 1e-12));
    }
    const kept = result.groups!.map((g) => g.total - g.kept).reduce((a, b) => a + b, 0);
    expect(kept).toBe(4);
    tf.dispose(batches.flatMap((b) => [b.x, b.y]));
    [independent, result.model, model].forEach((m) => m.dispose());
  });
});
