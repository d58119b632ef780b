import type { Budget, StepHyperparameters } from '../interfaces/schedule';
import { ConfigError, ConfigErrors } from '../errors';

/**
 * Checks a retraining budget: E and S whole numbers >= 1. Throws ConfigErrors
 * (`budget.epochs: ...`) so the CLI exits 2 with what to fix.
 */
export function validateBudget(budget: Budget): void {
  const problems: ConfigError[] = [];
  for (const [key, unit] of [
    ['epochs', 'epochs'],
    ['stepsPerEpoch', 'optimizer steps per epoch'],
  ] as const) {
    const value = budget?.[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      problems.push(new ConfigError(`budget.${key}`, `must be a whole number of ${unit}, at least 1 (got ${JSON.stringify(value)})`));
    }
  }
  if (problems.length) throw new ConfigErrors(problems);
}

/** E * S, the number of optimizer steps of a budget (checked). */
export function budgetSteps(budget: Budget): number {
  validateBudget(budget);
  return budget.epochs * budget.stepsPerEpoch;
}

/**
 * A per-epoch schedule expanded to every step: each of the S steps of epoch e gets
 * `valueAt(e)` (as PyTorch's epoch schedulers, stepped once per epoch, give).
 */
export function expandPerEpoch(budget: Budget, valueAt: (epoch: number) => StepHyperparameters): StepHyperparameters[] {
  validateBudget(budget);
  const steps: StepHyperparameters[] = [];
  for (let epoch = 0; epoch < budget.epochs; epoch++) {
    const { lr, momentum } = valueAt(epoch);
    for (let i = 0; i < budget.stepsPerEpoch; i++) steps.push({ lr, momentum });
  }
  return steps;
}

/** A per-step schedule: step t (0 .. E*S-1) gets `valueAt(t)`. */
export function expandPerStep(budget: Budget, valueAt: (step: number) => StepHyperparameters): StepHyperparameters[] {
  const total = budgetSteps(budget);
  const steps: StepHyperparameters[] = new Array(total);
  for (let t = 0; t < total; t++) {
    const { lr, momentum } = valueAt(t);
    steps[t] = { lr, momentum };
  }
  return steps;
}

/**
 * Cosine annealing from `start` (pct 0) to `end` (pct 1), written as PyTorch's OneCycleLR
 * writes it (`end + (start - end) / 2 * (cos(pi * pct) + 1)`), so values match it bit for bit.
 */
export function cosineAnneal(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2.0) * cosOut;
}

/** Linear annealing from `start` to `end`, as PyTorch's OneCycleLR writes it. */
export function linearAnneal(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}
