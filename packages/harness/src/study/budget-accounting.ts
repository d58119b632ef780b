import type { BudgetAccounting } from './definition';

/**
 * How many retraining steps a pruner is left under the study's budget accounting
 * (docs/fairness.md, section 4): under `total`, the optimizer steps it took itself (measured) come
 * out of its E × S retraining steps. Fewer than `minimum` left (default one epoch's steps) is
 * reported; none left fails the retraining run, naming the key that allows it, unless allowed.
 */
export interface RetrainingLeft {
  deductedSteps: number;
  /** Steps the retraining takes. */
  steps: number;
  /** The minimum it is held to, and whether it fell below (only under `total`). */
  minimumSteps?: number;
  belowMinimum?: boolean;
}

export class NoRetrainingLeftError extends Error {}

export function retrainingLeft(options: {
  mode: BudgetAccounting;
  /** E × S: the budget's steps. */
  budgetSteps: number;
  stepsPerEpoch: number;
  /** Optimizer steps the pruner took itself, as measured. */
  prunerSteps: number;
  minimum?: number;
  allowNone?: boolean;
  /** "l1/global at 2 epochs", for the error. */
  what: string;
}): RetrainingLeft {
  if (options.mode !== 'total') return { deductedSteps: 0, steps: options.budgetSteps };
  const deductedSteps = Math.min(options.budgetSteps, options.prunerSteps);
  const steps = options.budgetSteps - deductedSteps;
  if (steps === 0 && !options.allowNone) {
    throw new NoRetrainingLeftError(
      `budgetAccounting "total": the pruner of ${options.what} took ${options.prunerSteps} optimizer steps itself, the whole budget of ${options.budgetSteps}: ` +
        'no retraining is left. Give a larger budget, or set "allowNoRetraining": true to report it with 0 retraining steps.',
    );
  }
  const minimumSteps = options.minimum ?? options.stepsPerEpoch;
  return { deductedSteps, steps, minimumSteps, belowMinimum: steps < minimumSteps };
}
