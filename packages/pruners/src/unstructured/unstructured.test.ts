import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { makePruner, pruneContext, sgdStep, tinyConvNet } from '../testing/fixtures';
import { applyWeightMasks } from '@prunebench/core';
import { maskSparsity } from '../util/masks';

// On the backend users get: wasm with prunebench's kernels.
beforeAll(() => useBackend(wasmBackend));

const context = (seed = 0) => pruneContext({ seed });

function weightValues(model: LayersModel, key: string): Float32Array {
  const variable = model.weights.find((w) => w.originalName === key)!;
  return Float32Array.from(variable.read().dataSync());
}

describe('weight-level pruners', () => {
  it('magnitude prunes exactly the smallest conv weights under one global threshold, dense untouched', async () => {
    const model = tinyConvNet();
    const before = tf.memory().numTensors;
    const { model: pruned, masks } = await makePruner('magnitude', { sparsity: 0.6, scope: 'global', includeDense: false }).prune(model, context());
    expect([...masks!.keys()]).toEqual(['conv1/kernel', 'conv2/kernel']);
    const { pruned: zeros, total } = maskSparsity(masks!);
    expect(total).toBe(3 * 3 * 2 * 4 + 3 * 3 * 4 * 6);
    expect(zeros).toBe(Math.floor(0.6 * total));
    // Every pruned |w| ≤ every kept |w|, across both layers (one global threshold).
    let maxPruned = 0;
    let minKept = Infinity;
    for (const key of masks!.keys()) {
      const original = weightValues(model, key);
      const after = weightValues(pruned, key);
      const mask = masks!.get(key)!;
      original.forEach((w, i) => {
        if (mask[i] === 0) {
          maxPruned = Math.max(maxPruned, Math.abs(w));
          expect(after[i]).toBe(0);
        } else {
          minKept = Math.min(minKept, Math.abs(w));
          expect(after[i]).toBe(w);
        }
      });
    }
    expect(maxPruned).toBeLessThanOrEqual(minKept);
    // The given model is unchanged, the dense layer is copied as is.
    expect(weightValues(model, 'conv1/kernel').some((w) => w === 0)).toBe(false);
    expect(weightValues(pruned, 'fc/kernel')).toEqual(weightValues(model, 'fc/kernel'));
    pruned.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('layer scope prunes the same fraction in every layer; includeDense covers dense kernels', async () => {
    const model = tinyConvNet();
    const { model: pruned, masks } = await makePruner('magnitude', { sparsity: 0.5, scope: 'layer', includeDense: true }).prune(model, context());
    expect([...masks!.keys()]).toEqual(['conv1/kernel', 'conv2/kernel', 'fc/kernel']);
    for (const mask of masks!.values()) {
      expect(mask.filter((m) => m === 0).length).toBe(Math.floor(0.5 * mask.length));
    }
    pruned.dispose();
    model.dispose();
  });

  it('random-weights is reproducible for one seed and differs across seeds', async () => {
    const model = tinyConvNet();
    const pruner = makePruner('random-weights', { sparsity: 0.7, scope: 'global', includeDense: false });
    const a = await pruner.prune(model, context(3));
    const b = await pruner.prune(model, context(3));
    const c = await pruner.prune(model, context(4));
    const flat = (m: Map<string, Float32Array>) => [...m.values()].flatMap((v) => Array.from(v));
    expect(flat(a.masks!)).toEqual(flat(b.masks!));
    expect(flat(a.masks!)).not.toEqual(flat(c.masks!));
    expect(maskSparsity(a.masks!).pruned).toBe(Math.floor(0.7 * maskSparsity(a.masks!).total));
    [a, b, c].forEach((r) => r.model.dispose());
    model.dispose();
  });

  it('masked weights stay exact zeros through SGD steps when the masks are re-applied', async () => {
    const model = tinyConvNet();
    const { model: pruned, masks } = await makePruner('magnitude', { sparsity: 0.8, scope: 'global', includeDense: false }).prune(model, context());
    const x = tf.randomNormal([4, 6, 6, 2], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
    const start = weightValues(pruned, 'conv2/kernel');
    for (let step = 0; step < 3; step++) {
      sgdStep(pruned, x, y);
      applyWeightMasks(pruned, masks!);
    }
    const end = weightValues(pruned, 'conv2/kernel');
    const mask = masks!.get('conv2/kernel')!;
    let moved = 0;
    end.forEach((w, i) => {
      if (mask[i] === 0) expect(w).toBe(0);
      else if (w !== start[i]) moved++;
    });
    expect(moved).toBeGreaterThan(0); // training did change the kept weights
    tf.dispose([x, y]);
    pruned.dispose();
    model.dispose();
  });

  it('refuses a mask that matches no weight', () => {
    const model = tinyConvNet();
    expect(() => applyWeightMasks(model, new Map([['nope/kernel', new Float32Array(1)]]))).toThrow(/matches no weight/);
    model.dispose();
  });
});
