import { inject, injectable } from 'tsyringe';
import { OPTIONS, REGISTRY, Rng, type ChannelGraph, type PruneContext, type PruningGroup, type Registry } from '@prunebench/core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { StructuredPruner, structuredOptionsSchema, type StructuredPrunerOptions } from './structured-pruner';

/**
 * Random filters: uniform scores from the run's seed. With a PFEC plan it is the study's
 * "random pruning with the same per-layer ratios" baseline.
 */
@injectable()
export class RandomPruner extends StructuredPruner {
  static readonly id = 'random';
  static readonly description = 'structured: drop filters uniformly at random (seeded), same plan as any criterion';
  static readonly optionsSchema = structuredOptionsSchema();
  readonly requirements = { structured: true, needsData: false, needsGradients: false, trainsItself: false };

  constructor(@inject(OPTIONS) options: StructuredPrunerOptions, @inject(REGISTRY, { isOptional: true }) registry?: Registry) {
    super(options, registry);
  }

  protected async scoreGroups(_model: LayersModel, _graph: ChannelGraph, groups: PruningGroup[], context: PruneContext) {
    // One stream per group: a group's choice depends only on the seed, not on which others are scored.
    return new Map(
      groups.map((group) => {
        const rng = new Rng(context.seed, 'random-filters', group.id);
        return [group.id, Float32Array.from({ length: group.channels }, () => rng.next())] as const;
      }),
    );
  }
}
