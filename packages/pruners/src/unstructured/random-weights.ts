import { inject, injectable } from 'tsyringe';
import { OPTIONS, Rng, type JsonSchema, type PruneContext } from '@prunebench/core';
import { WeightLevelPruner, weightLevelOptionsSchema, type WeightChooser, type WeightLevelOptions } from './weight-level-pruner';

/**
 * Random weight-level pruning: exactly `sparsity` of the covered weights, chosen uniformly with
 * the run's seed (the baseline magnitude pruning is compared against).
 */
@injectable()
export class RandomWeightsPruner extends WeightLevelPruner {
  static readonly id = 'random-weights';
  static readonly description = 'weight-level: drop conv weights uniformly at random (seeded; masks kept in retraining)';
  static readonly optionsSchema: JsonSchema = weightLevelOptionsSchema;

  constructor(@inject(OPTIONS) options: WeightLevelOptions) {
    super(options);
  }

  protected chooser(context: PruneContext): WeightChooser {
    return (values, count, scopeLabel) => {
      // One stream per scope, so layer-wise choices do not depend on the other layers' sizes.
      const rng = new Rng(context.seed, 'random-weights', scopeLabel);
      const order = new Int32Array(values.length);
      for (let i = 0; i < order.length; i++) order[i] = i;
      // Partial Fisher–Yates: the first `count` entries are a uniform sample without replacement.
      for (let i = 0; i < count; i++) {
        const j = i + rng.int(order.length - i);
        const tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      return order.slice(0, count);
    };
  }
}
