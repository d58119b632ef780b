import { OptionsError } from '../errors';
import type { Budget, StepHyperparameters } from '../interfaces/schedule';
import { cosineAnneal, linearAnneal, validateBudget } from './budget';

/** A warm-up: its length (`epochs`, or `fraction` of the budget; default 0.1 of it), ramp shape and start. */
export interface WarmupOptions {
  epochs?: number;
  fraction?: number;
  /** Default `linear`. */
  shape?: 'linear' | 'cosine';
  /** The factor the LR is multiplied by at step 0 (default 0.01), rising to 1 at the end of the warm-up. */
  startFactor?: number;
}

/** N, a warm-up's length in optimizer steps: round(epochs · S) or round(fraction · E · S). */
export function warmupSteps(budget: Budget, options: WarmupOptions): number {
  validateBudget(budget);
  if (options.epochs !== undefined && options.fraction !== undefined) {
    throw new OptionsError('a warm-up is given in "epochs" or as a "fraction" of the budget, not both');
  }
  const total = budget.epochs * budget.stepsPerEpoch;
  const steps = options.epochs !== undefined ? Math.round(options.epochs * budget.stepsPerEpoch) : Math.round((options.fraction ?? 0.1) * total);
  if (steps > total) throw new OptionsError(`a warm-up of ${options.epochs} epochs is longer than the budget of ${budget.epochs} epochs`);
  return steps;
}

/**
 * Composes a warm-up onto any schedule's steps: over the first N steps the LR is multiplied by
 * a factor rising from `startFactor` to 1, linearly or along a half cosine; momentum is kept.
 */
export function withWarmup(steps: readonly StepHyperparameters[], budget: Budget, options: WarmupOptions = {}): StepHyperparameters[] {
  const n = warmupSteps(budget, options);
  const start = options.startFactor ?? 0.01;
  const ramp = options.shape === 'cosine' ? cosineAnneal : linearAnneal;
  return steps.map(({ lr, momentum }, t) => ({ lr: t < n ? lr * ramp(start, 1, t / n) : lr, momentum }));
}
