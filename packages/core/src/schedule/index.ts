// Helpers for writing retraining schedules: the original recipe as a schedule sees it, and the
// bookkeeping of E × S steps. Reading a recipe from a config or a file is @prunebench/core/config's.
export { DEFAULT_MOMENTUM, originalPreset, originalLrAt, originalLrSummary, originalMomentum, type OriginalLrSummary, type OriginalScheduleInput } from './original';
export { validateBudget, budgetSteps, expandPerEpoch, expandPerStep, cosineAnneal, linearAnneal } from './budget';
export { warmupSteps, withWarmup, type WarmupOptions } from './warmup';
