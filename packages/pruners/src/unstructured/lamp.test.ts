import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { lampScores } from './lamp';
import { makePruner, pruneContext, tinyConvNet } from '../testing/fixtures';

beforeAll(() => useBackend(wasmBackend));

describe('lamp', () => {
  it('scores w² over the sum of the squares of the weights at least as large (hand-computed)', () => {
    // squares 1, 4, 9, 0.25; ascending 0.25, 1, 4, 9 with tails 14.25, 14, 13, 9.
    const scores = lampScores([1, -2, 3, 0.5]);
    const expected = [1 / 14, 4 / 13, 9 / 9, 0.25 / 14.25];
    expected.forEach((v, i) => expect(scores[i]).toBeCloseTo(v, 7));
  });

  it('breaks ties by the lower index (scored lower, pruned first) and gives a zero layer zeros', () => {
    const scores = lampScores([2, -2, 1]);
    // ascending: 1 (index 2), 2 (index 0), -2 (index 1): tails 9, 8, 4.
    expect(Array.from(scores)).toEqual([Math.fround(4 / 8), 1, Math.fround(1 / 9)]);
    expect(Array.from(lampScores([0, 0]))).toEqual([0, 0]);
  });

  it('prunes with one global threshold over the layers and keeps every layer\'s largest weight', async () => {
    const before = tf.memory().numTensors;
    const model = tinyConvNet(3);
    const pruner = makePruner('lamp', { sparsity: 0.9 });
    const result = await pruner.prune(model, pruneContext());
    const masks = result.masks!;
    expect([...masks.keys()].sort()).toEqual(['conv1/kernel', 'conv2/kernel']);
    for (const [key, mask] of masks) {
      const weights = model.getLayer(key.split('/')[0]).weights.find((w) => w.originalName === key)!.read().dataSync();
      let largest = 0;
      for (let i = 1; i < weights.length; i++) if (Math.abs(weights[i]) > Math.abs(weights[largest])) largest = i;
      expect(mask[largest]).toBe(1);
    }
    const total = [...masks.values()].reduce((n, m) => n + m.length, 0);
    const zeros = [...masks.values()].reduce((n, m) => n + m.filter((v) => v === 0).length, 0);
    expect(zeros).toBe(Math.floor(0.9 * total));
    model.dispose();
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
