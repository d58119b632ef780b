import { injectable } from 'tsyringe';
import type { Criterion, CriterionContext, PruningGroup } from '@prunebench/core';
import { fpgmFilterScores, l1FilterScores, l2FilterScores } from './kernel-norms';
import { scoreProducerKernels } from './group-kernels';

const WEIGHTS_ONLY = { needsData: false, needsGradients: false } as const;

/** PFEC (Li et al. 2016): keep the filters of largest Σ|w|. */
@injectable()
export class L1Criterion implements Criterion {
  static readonly id = 'l1';
  static readonly description = 'keep the filters of largest l1 norm (PFEC, Li et al. 2016)';
  readonly requirements = WEIGHTS_ONLY;
  score(group: PruningGroup, { model }: CriterionContext) {
    return scoreProducerKernels(model, group, (kernel) => l1FilterScores(kernel.read()));
  }
}

/** Keep the filters of largest Euclidean norm. */
@injectable()
export class L2Criterion implements Criterion {
  static readonly id = 'l2';
  static readonly description = 'keep the filters of largest l2 norm';
  readonly requirements = WEIGHTS_ONLY;
  score(group: PruningGroup, { model }: CriterionContext) {
    return scoreProducerKernels(model, group, (kernel) => l2FilterScores(kernel.read()));
  }
}

/**
 * FPGM (He et al. 2019): prune the filters nearest the geometric median of their layer (the
 * smallest summed distance to the other filters), which the others can best replace.
 */
@injectable()
export class FpgmCriterion implements Criterion {
  static readonly id = 'fpgm';
  static readonly description = 'prune filters nearest the geometric median (FPGM, He et al. 2019)';
  readonly requirements = WEIGHTS_ONLY;
  score(group: PruningGroup, { model }: CriterionContext) {
    return scoreProducerKernels(model, group, (kernel) => fpgmFilterScores(kernel.read()));
  }
}
