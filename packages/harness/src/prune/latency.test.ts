import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../backend/select';
import { quantile } from '../util/stats';
import { compareLatency } from './latency';

beforeAll(async () => {
  await selectBackend('wasm');
});

function net(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 2] });
  const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3 }).apply(input);
  const out = tfl.layers.dense({ units: 3 }).apply(tfl.layers.flatten().apply(conv)) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

describe('latency', () => {
  it('times both models at each batch size, alternately, after warm-up runs, and gives medians and their ratio', async () => {
    const [a, b] = [net(), net()];
    const calls = { a: 0, b: 0 };
    const count = (model: tfl.LayersModel, key: 'a' | 'b') => {
      const predict = model.predict.bind(model);
      model.predict = ((x: tf.Tensor | tf.Tensor[]) => (calls[key]++, predict(x))) as typeof model.predict;
    };
    count(a, 'a');
    count(b, 'b');
    const before = tf.memory().numTensors;
    const result = await compareLatency(a, b, { batchSizes: [1, 3], runs: 5, warmupRuns: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(calls).toEqual({ a: 2 * 7, b: 2 * 7 });
    expect(result.backend).toBe('wasm');
    expect(result.original.map((l) => [l.batchSize, l.runs])).toEqual([[1, 5], [3, 5]]);
    for (const [i, figure] of result.pruned.entries()) {
      expect(figure.medianMs).toBeGreaterThan(0);
      expect(figure.q1Ms).toBeLessThanOrEqual(figure.medianMs);
      expect(figure.q3Ms).toBeGreaterThanOrEqual(figure.medianMs);
      expect(figure.imagesPerSecond).toBeCloseTo((1000 * figure.batchSize) / figure.medianMs, 6);
      expect(result.speedup[i].ratio).toBeCloseTo(result.original[i].medianMs / figure.medianMs, 6);
    }
    // Past the time budget, timing stops once 5 runs are in (a big model stays quick to prune).
    const capped = await compareLatency(a, b, { batchSizes: [1], runs: 50, warmupRuns: 0, budgetMs: 0 });
    expect([capped.original[0].runs, capped.pruned[0].runs]).toEqual([5, 5]);
    a.dispose();
    b.dispose();
  });

  it('says where the pruned model is slower than the original, and whether beyond the spread of the runs', async () => {
    // The "pruned" model here is 64 times the work of the original: slower at every batch size.
    const small = net();
    const input = tfl.input({ shape: [6, 6, 2] });
    let x = tfl.layers.conv2d({ filters: 128, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
    x = tfl.layers.conv2d({ filters: 128, kernelSize: 3, padding: 'same' }).apply(x) as tfl.SymbolicTensor;
    const big = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 3 }).apply(tfl.layers.flatten().apply(x)) as tfl.SymbolicTensor });
    const result = await compareLatency(small, big, { batchSizes: [1, 4], runs: 7, warmupRuns: 1 });
    expect(result.slower.map((s) => s.batchSize)).toEqual([1, 4]);
    for (const slow of result.slower) expect(slow.ratio).toBeLessThan(1);
    expect(result.slower.some((s) => s.beyondSpread)).toBe(true);
    // Timed the other way round, nothing is slower.
    const reverse = await compareLatency(big, small, { batchSizes: [4], runs: 7, warmupRuns: 1 });
    expect(reverse.slower).toEqual([]);
    small.dispose();
    big.dispose();
  });
});

describe('quantile', () => {
  it('interpolates between order statistics as numpy does', () => {
    expect([0.25, 0.5, 0.75].map((p) => quantile([4, 1, 3, 2], p))).toEqual([1.75, 2.5, 3.25]);
    expect(quantile([7], 0.25)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
