import { inject, injectable } from 'tsyringe';
import { OPTIONS, cosineAnneal, expandPerStep, originalLrSummary, originalMomentum, withWarmup, type Budget, type OriginalRecipe, type Schedule } from '@prunebench/core';

/** A linear warm-up over `warmupFraction` of the budget, then a cosine from the original's base LR to its smallest. */
@injectable()
export class WarmupCosineSchedule implements Schedule {
  static readonly id = '__SHORT__-warmup-cosine';
  static readonly description = 'linear warm-up, then cosine from the base LR to the smallest';
  static readonly optionsSchema = { type: 'object', properties: { warmupFraction: { type: 'number', minimum: 0, maximum: 1, default: 0.1 } } };

  constructor(@inject(OPTIONS) private readonly options: { warmupFraction: number }) {}

  compute(original: OriginalRecipe, budget: Budget) {
    const { base, smallest } = originalLrSummary(original);
    const total = budget.epochs * budget.stepsPerEpoch;
    const steps = expandPerStep(budget, (t) => ({ lr: cosineAnneal(base, smallest, t / total), momentum: originalMomentum(original) }));
    return withWarmup(steps, budget, { fraction: this.options.warmupFraction });
  }
}
