import { inject, injectable } from 'tsyringe';
import {
  OPTIONS,
  expandPerEpoch,
  originalMomentum,
  type Budget,
  type OriginalRecipe,
  type Schedule,
  type StepHyperparameters,
} from '@prunebench/core';

export interface ConstantOptions {
  /** The LR. Default: the original schedule's base LR. */
  lr?: number;
}

/** One LR for the whole budget (default: the original's base LR), the original's momentum. */
@injectable()
export class ConstantSchedule implements Schedule {
  static readonly id = 'constant';
  static readonly description = "a constant LR (default: the original schedule's base LR)";
  static readonly optionsSchema = {
    type: 'object',
    properties: { lr: { type: 'number', exclusiveMinimum: 0 } },
  };

  constructor(@inject(OPTIONS) readonly options: ConstantOptions) {}

  compute(original: OriginalRecipe, budget: Budget): StepHyperparameters[] {
    const lr = this.options.lr ?? original.lr;
    const momentum = originalMomentum(original);
    return expandPerEpoch(budget, () => ({ lr, momentum }));
  }
}
