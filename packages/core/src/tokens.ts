/**
 * DI tokens. Built with Symbol.for so two copies of @prunebench/core in one process (a plugin
 * that brought its own) still agree on them. Every token here is provided: the kind tokens,
 * REGISTRY and COMPONENTS wherever components are made (`setupPlugins`, `createComponent`, the
 * conformance kit); RNG and LEDGER by the harness's run container (and the kit's).
 *
 * The kind tokens hold component *classes* (one registration per class), so
 * `@injectAll(PRUNER)` yields every registered pruner class. Instances are made per use by
 * `createComponent`, in a child container where OPTIONS holds that use's validated options.
 */
export const PRUNER = Symbol.for('prunebench.Pruner');
export const CRITERION = Symbol.for('prunebench.Criterion');
export const WEIGHT_SCORE = Symbol.for('prunebench.WeightScore');
export const SCHEDULE = Symbol.for('prunebench.Schedule');
export const MODEL = Symbol.for('prunebench.Model');
export const DATASET = Symbol.for('prunebench.Dataset');
export const PLAN = Symbol.for('prunebench.Plan');

/** The validated options of the component being constructed. */
export const OPTIONS = Symbol.for('prunebench.Options');
/** The plugin registry of this container (a `Registry`). */
export const REGISTRY = Symbol.for('prunebench.Registry');
/** Makes nested components (a pruner's plan, a warm-up's inner schedule): a `ComponentFactory`. */
export const COMPONENTS = Symbol.for('prunebench.Components');
/** The run's seeded random number generator (a `Rng`, seeded by the run's seed). */
export const RNG = Symbol.for('prunebench.Rng');
/** The run's budget ledger (a `Ledger`). */
export const LEDGER = Symbol.for('prunebench.Ledger');

/** The token under which each kind's classes are registered. */
export const KIND_TOKENS = {
  pruner: PRUNER,
  criterion: CRITERION,
  'weight-score': WEIGHT_SCORE,
  plan: PLAN,
  schedule: SCHEDULE,
  model: MODEL,
  dataset: DATASET,
} as const;
