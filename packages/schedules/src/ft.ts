import { inject, injectable } from 'tsyringe';
import {
  OPTIONS,
  expandPerEpoch,
  originalLrSummary,
  originalMomentum,
  type Budget,
  type OriginalRecipe,
  type Schedule,
  type StepHyperparameters,
} from '@prunebench/core';

export type FineTuneOptions = Record<string, never>;

/**
 * FT, fine-tuning (docs/spec/schedules.md): a constant LR equal to the original schedule's last LR
 * (0.001 for the CIFAR recipe), with the original's momentum.
 */
@injectable()
export class FineTuneSchedule implements Schedule {
  static readonly id = 'ft';
  static readonly description = "fine-tuning: the original schedule's last LR, constant";
  static readonly optionsSchema = { type: 'object', properties: {} };

  constructor(@inject(OPTIONS) readonly options: FineTuneOptions) {}

  compute(original: OriginalRecipe, budget: Budget): StepHyperparameters[] {
    const lr = originalLrSummary(original).last;
    const momentum = originalMomentum(original);
    return expandPerEpoch(budget, () => ({ lr, momentum }));
  }
}
