import { injectable } from 'tsyringe';
import type { Criterion, CriterionContext, PruningGroup } from '@prunebench/core';

/**
 * A filter's importance is its largest |weight| (the l∞ norm of its kernel), summed over the
 * group's producers (several when a residual merge ties them). The plan decides how many stay.
 */
@injectable()
export class MaxAbsCriterion implements Criterion {
  static readonly id = '__SHORT__-max-abs';
  static readonly description = 'keep the filters whose largest |weight| is largest';
  readonly requirements = { needsData: false, needsGradients: false };

  score(group: PruningGroup, { model }: CriterionContext): Float32Array {
    const score = new Float32Array(group.channels);
    for (const producer of group.producers) {
      const kernel = model.getLayer(producer).weights.find((w) => /kernel$/.test(w.originalName))!;
      const values = kernel.read().dataSync();
      // Kernels put the output channel last: column k of the flat [rows, channels] data is filter k.
      for (let i = 0; i < values.length; i++) score[i % group.channels] = Math.max(score[i % group.channels], Math.abs(values[i]));
    }
    return score;
  }
}
