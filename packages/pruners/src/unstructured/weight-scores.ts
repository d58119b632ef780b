import { injectable } from 'tsyringe';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { WeightScore, WeightScoreContext } from '@prunebench/core';

/**
 * Magnitude (Han et al. 2015, as the reference study uses it): |w|. Under the mask pruner's
 * default global scope, one threshold over all conv weights.
 */
@injectable()
export class MagnitudeScore implements WeightScore {
  static readonly id = 'magnitude';
  static readonly description = 'weight-level: one global |w| threshold over conv kernels (masks kept in retraining)';
  readonly requirements = { needsData: false, needsGradients: false };
  async score(variable: LayerVariable) {
    return Float32Array.from(await variable.read().data(), Math.abs);
  }
}

/** Random weight-level pruning: uniform seeded scores (the baseline magnitude pruning is compared against). */
@injectable()
export class RandomWeightsScore implements WeightScore {
  static readonly id = 'random-weights';
  static readonly description = 'weight-level: drop conv weights uniformly at random (seeded; masks kept in retraining)';
  readonly requirements = { needsData: false, needsGradients: false };
  score(variable: LayerVariable, key: string, { helpers }: WeightScoreContext) {
    // One stream per weight: a layer's scores do not depend on the other layers' sizes.
    const rng = helpers.rng('random-weights', key);
    const size = (variable.shape as number[]).reduce((a, b) => a * b, 1);
    return Float32Array.from({ length: size }, () => rng.next());
  }
}
