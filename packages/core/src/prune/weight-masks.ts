import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs-layers';
import type { WeightMasks } from '../interfaces/pruner';

/** A model's masks resolved to its weights once, to apply as often as the trainer steps. */
export interface MaskedWeights {
  /** Sets every pruned weight to exactly +0, in place. */
  apply(): void;
  /** Frees the mask tensors (the model is untouched). */
  dispose(): void;
}

/**
 * Resolves `masks` (1 keep, 0 prune; keyed by a weight's `name`, else its `originalName`) to the
 * weights of `model`. Throws when a mask names no weight or has the wrong size: a silently
 * unapplied mask would void the comparison. The one implementation of mask application: the
 * mask pruner applies masks once, the trainer after every optimizer step.
 */
export function maskWeights(model: LayersModel, masks: WeightMasks): MaskedWeights {
  const weights = model.weights as LayerVariable[];
  const resolved: Array<{ variable: LayerVariable; keep: tf.Tensor; zeros: tf.Tensor }> = [];
  const dispose = () => resolved.forEach(({ keep, zeros }) => tf.dispose([keep, zeros]));
  try {
    for (const [key, mask] of masks) {
      const variable = weights.find((w) => w.name === key) ?? weights.find((w) => w.originalName === key);
      if (!variable) throw new Error(`weight mask "${key}" matches no weight of model "${model.name}" (known: ${weights.map((w) => w.originalName).join(', ')})`);
      const shape = variable.shape as number[];
      const size = shape.reduce((a, b) => a * b, 1);
      if (size !== mask.length) throw new Error(`weight mask "${key}" has ${mask.length} entries but the weight has ${size} (shape [${shape}])`);
      const keep = tf.tidy(() => tf.cast(tf.tensor(mask, shape), 'bool'));
      resolved.push({ variable, keep, zeros: tf.zeros(shape) });
    }
  } catch (error) {
    dispose();
    throw error;
  }
  return {
    // where(), not a product: w × 0 is −0 for a negative w; a pruned weight becomes exactly +0.
    apply: () => resolved.forEach(({ variable, keep, zeros }) => tf.tidy(() => void variable.write(tf.where(keep, variable.read(), zeros)))),
    dispose,
  };
}

/** Applies `masks` to `model`'s weights once, in place (see `maskWeights`). */
export function applyWeightMasks(model: LayersModel, masks: WeightMasks): void {
  const masked = maskWeights(model, masks);
  try {
    masked.apply();
  } finally {
    masked.dispose();
  }
}
