import { injectable } from 'tsyringe';
import type { Criterion, CriterionContext, PruningGroup } from '@prunebench/core';

/**
 * Random filters: uniform scores from the run's seed. With a PFEC plan it is the study's
 * "random pruning with the same per-layer ratios" baseline.
 */
@injectable()
export class RandomCriterion implements Criterion {
  static readonly id = 'random';
  static readonly description = 'drop filters uniformly at random (seeded), same plan as any criterion';
  readonly requirements = { needsData: false, needsGradients: false };

  score(group: PruningGroup, { helpers }: CriterionContext): Float32Array {
    // One stream per group: a group's choice depends only on the seed, not on which others are scored.
    const rng = helpers.rng('random-filters', group.id);
    return Float32Array.from({ length: group.channels }, () => rng.next());
  }
}
