import type * as tf from '@tensorflow/tfjs-core';
import { injectable } from 'tsyringe';
import type { Criterion, CriterionClass, CriterionContext, PruningGroup } from '@prunebench/core';
import { fpgmFilterScores, l1FilterScores, l2FilterScores } from './kernel-norms';
import { scoreProducerKernels } from './group-kernels';

/** A data-free criterion that scores each filter of the group's producer kernels with `filterScores`. */
function kernelCriterion(id: string, description: string, filterScores: (kernel: tf.Tensor) => Promise<Float32Array>): CriterionClass {
  @injectable()
  class KernelCriterion implements Criterion {
    static readonly id = id;
    static readonly description = description;
    readonly requirements = { needsData: false, needsGradients: false };
    score(group: PruningGroup, { model }: CriterionContext) {
      return scoreProducerKernels(model, group, (kernel) => filterScores(kernel.read()));
    }
  }
  return KernelCriterion;
}

/** PFEC (Li et al. 2016): keep the filters of largest Σ|w|. */
export const L1Criterion = kernelCriterion('l1', 'keep the filters of largest l1 norm (PFEC, Li et al. 2016)', l1FilterScores);
/** Keep the filters of largest Euclidean norm. */
export const L2Criterion = kernelCriterion('l2', 'keep the filters of largest l2 norm', l2FilterScores);
/**
 * FPGM (He et al. 2019): prune the filters nearest the geometric median of their layer (the
 * smallest summed distance to the other filters), which the others can best replace.
 */
export const FpgmCriterion = kernelCriterion('fpgm', 'prune filters nearest the geometric median (FPGM, He et al. 2019)', fpgmFilterScores);
