import { inject, injectable } from 'tsyringe';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { OPTIONS, REGISTRY, UsageError, type ChannelGraph, type PruningGroup, type Registry } from '@prunebench/core';
import { StructuredPruner, structuredOptionsSchema, type StructuredPrunerOptions } from './structured-pruner';

/**
 * Network slimming's ranking (Liu et al. 2017): |gamma| of the BatchNorm that follows each
 * channel (summed over the group's BatchNorms when a residual merge ties several). Without the
 * sparsity training of the original method; pair it with the `global` plan for slimming's
 * network-wide threshold.
 */
@injectable()
export class BnScalePruner extends StructuredPruner {
  static readonly id = 'bn-scale';
  static readonly description = 'structured: keep channels of largest |BatchNorm gamma| (network slimming ranking)';
  static readonly optionsSchema = structuredOptionsSchema();
  readonly requirements = { structured: true, needsData: false, needsGradients: false, trainsItself: false };

  constructor(@inject(OPTIONS) options: StructuredPrunerOptions, @inject(REGISTRY, { isOptional: true }) registry?: Registry) {
    super(options, registry);
  }

  protected async scoreGroups(model: LayersModel, _graph: ChannelGraph, groups: PruningGroup[]) {
    const scores = new Map<number, Float32Array>();
    for (const group of groups) {
      const total = new Float32Array(group.channels);
      let found = 0;
      for (const member of group.members) {
        if (member.role !== 'batchnorm') continue;
        const gamma = model.getLayer(member.layer).weights.find((w) => /gamma$/.test(w.originalName));
        if (!gamma) continue;
        const values = gamma.read().dataSync();
        for (let k = 0; k < group.channels; k++) total[k] += Math.abs(values[member.offset + k]);
        found++;
      }
      if (found === 0) {
        throw new UsageError(
          `pruner "bn-scale" ranks channels by BatchNorm gamma, but group ${group.id} (${group.producers.join(', ')}) ` +
            `has no BatchNorm with a scale after it. Use a plan that leaves it whole, or another criterion (l1, fpgm).`,
        );
      }
      scores.set(group.id, total);
    }
    return scores;
  }
}
