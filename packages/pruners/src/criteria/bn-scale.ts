import { injectable } from 'tsyringe';
import { UsageError, type Criterion, type CriterionContext, type PruningGroup } from '@prunebench/core';

/**
 * Network slimming's ranking (Liu et al. 2017): |gamma| of the BatchNorm that follows each
 * channel (summed over the group's BatchNorms when a residual merge ties several). Without the
 * sparsity training of the original method; pair it with the `global` plan for slimming's
 * network-wide threshold.
 */
@injectable()
export class BnScaleCriterion implements Criterion {
  static readonly id = 'bn-scale';
  static readonly description = 'keep channels of largest |BatchNorm gamma| (network slimming ranking)';
  readonly requirements = { needsData: false, needsGradients: false };

  async score(group: PruningGroup, { model }: CriterionContext): Promise<Float32Array> {
    const total = new Float32Array(group.channels);
    let found = 0;
    for (const member of group.members) {
      if (member.role !== 'batchnorm') continue;
      const gamma = model.getLayer(member.layer).weights.find((w) => /gamma$/.test(w.originalName));
      if (!gamma) continue;
      const values = await gamma.read().data();
      for (let k = 0; k < group.channels; k++) total[k] += Math.abs(values[member.offset + k]);
      found++;
    }
    if (found === 0) {
      throw new UsageError(
        `criterion "bn-scale" ranks channels by BatchNorm gamma, but group ${group.id} (${group.producers.join(', ')}) ` +
          'has no BatchNorm with a scale after it. Use a plan that leaves it whole, or another criterion (l1, fpgm).',
      );
    }
    return total;
  }
}
