import { inject, injectable } from 'tsyringe';
import {
  OPTIONS,
  OptionsError,
  expandPerEpoch,
  originalMomentum,
  type Budget,
  type OriginalRecipe,
  type Schedule,
  type StepHyperparameters,
} from '@prunebench/core';

export interface StepOptions {
  /** The LR before the first milestone. Default: the original's base LR. */
  lr?: number;
  /**
   * Epochs of the budget at which the LR is multiplied by `gamma`. Default: the original's
   * milestones scaled to the budget, `floor(m * E / T_orig)`. Milestones at or past E are
   * never reached (so one list can serve several budgets).
   */
  milestones?: number[];
  /** Default: the original's gamma. */
  gamma?: number;
}

/** A step schedule (PyTorch's MultiStepLR), stepped per epoch: `lr * gamma^k`, k = milestones <= e. */
@injectable()
export class StepSchedule implements Schedule {
  static readonly id = 'step';
  static readonly description = "step decay: ×gamma at milestones (default: the original's, scaled to the budget)";
  static readonly optionsSchema = {
    type: 'object',
    properties: {
      lr: { type: 'number', exclusiveMinimum: 0 },
      milestones: { type: 'array', items: { type: 'integer', minimum: 1 } },
      gamma: { type: 'number', exclusiveMinimum: 0 },
    },
  };

  constructor(@inject(OPTIONS) readonly options: StepOptions) {
    const m = options.milestones ?? [];
    for (let i = 1; i < m.length; i++) {
      if (m[i] <= m[i - 1]) {
        throw new OptionsError(`schedule "step": milestones must increase (${m[i - 1]} then ${m[i]} at milestones[${i}])`);
      }
    }
  }

  /** The milestones used for a budget, in epochs. */
  milestones(original: OriginalRecipe, budget: Budget): number[] {
    return this.options.milestones ?? original.milestones.map((m) => Math.floor((m * budget.epochs) / original.epochs));
  }

  compute(original: OriginalRecipe, budget: Budget): StepHyperparameters[] {
    const base = this.options.lr ?? original.lr;
    const gamma = this.options.gamma ?? original.gamma;
    const milestones = this.milestones(original, budget);
    const momentum = originalMomentum(original);
    return expandPerEpoch(budget, (epoch) => {
      let lr = base;
      for (const m of milestones) if (epoch >= m) lr *= gamma;
      return { lr, momentum };
    });
  }
}
