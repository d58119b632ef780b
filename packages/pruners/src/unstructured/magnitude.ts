import { inject, injectable } from 'tsyringe';
import { OPTIONS, type JsonSchema } from '@prunebench/core';
import { WeightLevelPruner, weightLevelOptionsSchema, type WeightChooser, type WeightLevelOptions } from './weight-level-pruner';

/**
 * The `count` entries of smallest |value|; among equal magnitudes at the threshold, the lower
 * indices go first, so exactly `count` weights are pruned and the choice is deterministic.
 */
export const smallestMagnitudes: WeightChooser = (values, count) => {
  const chosen = new Int32Array(count);
  if (count === 0) return chosen;
  const magnitudes = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) magnitudes[i] = Math.abs(values[i]);
  const threshold = Float32Array.from(magnitudes).sort()[count - 1];
  let n = 0;
  for (let i = 0; i < magnitudes.length && n < count; i++) if (magnitudes[i] < threshold) chosen[n++] = i;
  for (let i = 0; i < magnitudes.length && n < count; i++) if (magnitudes[i] === threshold) chosen[n++] = i;
  return chosen;
};

/**
 * Global magnitude pruning (Han et al. 2015, as the reference study uses it): one threshold
 * over all conv weights, dense layers excluded unless asked; `scope: "layer"` prunes the same
 * fraction in each layer instead.
 */
@injectable()
export class MagnitudePruner extends WeightLevelPruner {
  static readonly id = 'magnitude';
  static readonly description = 'weight-level: one global |w| threshold over conv kernels (masks kept in retraining)';
  static readonly optionsSchema: JsonSchema = weightLevelOptionsSchema;

  constructor(@inject(OPTIONS) options: WeightLevelOptions) {
    super(options);
  }

  protected chooser(): WeightChooser {
    return smallestMagnitudes;
  }
}
