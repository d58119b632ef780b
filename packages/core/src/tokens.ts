/**
 * DI tokens. Built with Symbol.for so two copies of @prunebench/core in one process (a plugin
 * that brought its own) still agree on them.
 *
 * The four component tokens hold component *classes* (one registration per class), so
 * `@injectAll(PRUNER)` yields every registered pruner class. Instances are made per use by
 * `createComponent`, in a child container where OPTIONS holds that use's validated options.
 */
export const PRUNER = Symbol.for('prunebench.Pruner');
export const SCHEDULE = Symbol.for('prunebench.Schedule');
export const MODEL = Symbol.for('prunebench.Model');
export const DATASET = Symbol.for('prunebench.Dataset');
export const PLAN = Symbol.for('prunebench.Plan');

/** The validated options of the component being constructed. */
export const OPTIONS = Symbol.for('prunebench.Options');
/** The chosen tfjs backend of this process (a `BackendSelection`). */
export const BACKEND = Symbol.for('prunebench.Backend');
/** The run's seeded random number generator (a `Rng`). */
export const RNG = Symbol.for('prunebench.Rng');
/** The run's budget ledger (a `Ledger`). */
export const LEDGER = Symbol.for('prunebench.Ledger');
/** Where progress and log lines go (a `Logger`). */
export const LOGGER = Symbol.for('prunebench.Logger');
/** The plugin registry of this container (a `Registry`). */
export const REGISTRY = Symbol.for('prunebench.Registry');
