import { inject, injectable } from 'tsyringe';
import {
  OPTIONS,
  expandPerEpoch,
  originalLrAt,
  originalMomentum,
  type Budget,
  type OriginalRecipe,
  type Schedule,
  type StepHyperparameters,
} from '@prunebench/core';

export type LrRewindingOptions = Record<string, never>;

/**
 * LRW, learning-rate rewinding (Renda et al. 2020; docs/spec/schedules.md): replays the last E
 * epochs of the original schedule, stepped per epoch: `lr(e) = lr_orig(e + T_orig - E)`.
 * A budget longer than the original replays all of it, preceded by its first LR
 * (the LR of its epoch 0).
 */
@injectable()
export class LrRewindingSchedule implements Schedule {
  static readonly id = 'lrw';
  static readonly description = 'learning-rate rewinding: the last E epochs of the original schedule';
  static readonly optionsSchema = { type: 'object', properties: {} };

  constructor(@inject(OPTIONS) readonly options: LrRewindingOptions) {}

  compute(original: OriginalRecipe, budget: Budget): StepHyperparameters[] {
    const momentum = originalMomentum(original);
    const offset = original.epochs - budget.epochs;
    return expandPerEpoch(budget, (epoch) => ({ lr: originalLrAt(original, Math.max(0, epoch + offset)), momentum }));
  }
}
