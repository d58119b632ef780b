import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { WeightMasks } from '@prunebench/core';
import { weightKey } from './layers';

/**
 * Multiplies every masked weight of `model` by its mask, in place (what the trainer does after
 * each optimizer step). Throws when a mask names no weight or has the wrong size, since a
 * silently unapplied mask would void the comparison.
 */
export function applyWeightMasks(model: LayersModel, masks: WeightMasks): void {
  const byKey = new Map(model.weights.map((w) => [weightKey(w), w]));
  for (const [key, mask] of masks) {
    const variable = byKey.get(key);
    if (!variable) throw new Error(`weight mask "${key}" matches no weight of model "${model.name}"`);
    const size = (variable.shape as number[]).reduce((a, b) => a * b, 1);
    if (size !== mask.length) {
      throw new Error(`weight mask "${key}" has ${mask.length} entries but the weight has ${size}`);
    }
    tf.tidy(() => {
      // where(), not a product: w × 0 is −0 for negative w; pruned weights become exact +0.
      const keep = tf.cast(tf.tensor(mask, variable.shape as number[]), 'bool');
      const value = variable.read();
      variable.write(tf.where(keep, value, tf.zerosLike(value)));
    });
  }
}

/** Zero entries of the masked weights / all their entries. */
export function maskSparsity(masks: WeightMasks): { pruned: number; total: number } {
  let pruned = 0;
  let total = 0;
  for (const mask of masks.values()) {
    total += mask.length;
    for (let i = 0; i < mask.length; i++) if (mask[i] === 0) pruned++;
  }
  return { pruned, total };
}
