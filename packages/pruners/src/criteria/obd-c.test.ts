import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { buildChannelGraph, type Dataset } from '@prunebench/core';
import { NoiseDataset, makePruner, pruneContext, randomizeBatchNorms, recordingLedger, tinyConvNet } from '../testing/fixtures';
import type { StructuredPruner } from '../structured/structured-pruner';

beforeAll(() => useBackend(wasmBackend));

/**
 * conv1's OBD-C saliencies computed another way: each example's ∂ℓ_n/∂(conv1 output) from core's
 * activation-gradient helper (summed loss, inference mode), correlated with the example's input
 * by hand into ∂ℓ_n/∂W (3×3, 'same' padding), squared, summed, divided by the batches.
 */
async function independentConv1Saliency(model: ReturnType<typeof tinyConvNet>, dataset: Dataset, batches: number, batchSize: number): Promise<Float64Array> {
  const context = pruneContext({ dataset });
  const kernel = model.getLayer('conv1').getWeights()[0];
  const w = kernel.dataSync();
  const [kh, kw, cin, cout] = kernel.shape;
  const fisher = new Float64Array(w.length);
  let served = 0;
  for await (const batch of context.helpers.calibrationBatches({ batches, batchSize })) {
    const { activations, gradients } = context.helpers.activationGradients(model, batch, ['conv1'], { reduction: 'sum' });
    const g = gradients.get('conv1')!.arraySync() as number[][][][];
    const x = batch.x.arraySync() as number[][][][];
    tf.dispose([...activations.values(), ...gradients.values()]);
    for (let n = 0; n < x.length; n++) {
      const dw = new Float64Array(w.length);
      for (let y = 0; y < 6; y++) for (let xx = 0; xx < 6; xx++) for (let dy = 0; dy < kh; dy++) for (let dx = 0; dx < kw; dx++) {
        const iy = y + dy - 1;
        const ix = xx + dx - 1;
        if (iy < 0 || iy >= 6 || ix < 0 || ix >= 6) continue;
        for (let c = 0; c < cin; c++) for (let k = 0; k < cout; k++) dw[((dy * kw + dx) * cin + c) * cout + k] += x[n][iy][ix][c] * g[n][y][xx][k];
      }
      dw.forEach((v, j) => (fisher[j] += v * v));
    }
    served++;
  }
  const saliency = new Float64Array(cout);
  for (let j = 0; j < w.length; j++) saliency[j % cout] += w[j] * w[j] * (fisher[j] / served + 1e-10);
  return saliency;
}

describe('obd-c', () => {
  it('equals Σ w² × the diagonal empirical Fisher computed independently from activation gradients', async () => {
    const model = tinyConvNet(9);
    randomizeBatchNorms(model);
    const dataset = new NoiseDataset();
    const ledger = recordingLedger();
    const criterion = (makePruner('obd-c', { labels: 'true', batches: 2, batchSize: 5, plan: { use: 'uniform', ratio: 0.5 } }) as StructuredPruner).criterion;
    const graph = buildChannelGraph(model);
    const groups = graph.groups.filter((g) => g.prunable);
    const context = pruneContext({ dataset, ledger });
    const scoring = { model, graph, seed: 0, ledger, helpers: context.helpers };
    await criterion.prepare!(groups, scoring);
    const group = groups.find((g) => g.producers.includes('conv1'))!;
    const got = await criterion.score(group, scoring);
    const expected = await independentConv1Saliency(model, dataset, 2, 5);
    expected.forEach((v, k) => expect(Math.abs(got[k] - v) / v).toBeLessThan(1e-3));
    // 10 calibration examples, each charged once forward and once backward (as the harness's meter serves them).
    expect(ledger.entries.extraForwardSamples).toBe(10);
    expect(ledger.entries.extraBackwardSamples).toBe(10);
    model.dispose();
  });

  it('draws Fisher labels from the model with the run seed: the same seed, the same scores; another, others', async () => {
    const model = tinyConvNet(2);
    const scores = async (seed: number) => {
      const criterion = (makePruner('obd-c', { batches: 1, batchSize: 8 }) as StructuredPruner).criterion;
      const graph = buildChannelGraph(model);
      const groups = graph.groups.filter((g) => g.prunable);
      const context = pruneContext({ seed, dataset: new NoiseDataset() });
      const scoring = { model, graph, seed, ledger: context.ledger, helpers: context.helpers };
      await criterion.prepare!(groups, scoring);
      return Array.from(await criterion.score(groups[0], scoring));
    };
    const a = await scores(1);
    expect(await scores(1)).toEqual(a);
    expect(await scores(2)).not.toEqual(a);
    expect(a.every((v) => v > 0)).toBe(true);
    model.dispose();
  });
});
