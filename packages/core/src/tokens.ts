/**
 * DI tokens: what a component's constructor may `@inject`, and nothing else. Built with
 * Symbol.for so two copies of @prunebench/core in one process (a plugin that brought its own)
 * still agree on them. Each is provided wherever components are made, by one pair of functions
 * (`plugin/containers.ts`): `pluginContainer` gives REGISTRY, RNG and LEDGER (RNG and LEDGER
 * as they are outside a run), `runScope` gives a run's own RNG and LEDGER in a child container,
 * and `createComponent` gives OPTIONS and COMPONENTS to the one component it makes.
 *
 * Components are looked up in the `Registry` (by kind and id), not in the container.
 */

/** The validated options of the component being constructed (defaults filled). */
export const OPTIONS = Symbol.for('prunebench.Options');
/** The plugin registry of this container (a `Registry`). */
export const REGISTRY = Symbol.for('prunebench.Registry');
/** Makes nested components (a pruner's plan, a warm-up's inner schedule): a `ComponentFactory`. */
export const COMPONENTS = Symbol.for('prunebench.Components');
/**
 * The run's seeded random number generator: a `Rng` of the run's seed, one per run (components
 * of one run share it). Outside a run (a config check, `prunebench inspect` without `--seed`)
 * a fresh `Rng` of seed 0 for each component.
 */
export const RNG = Symbol.for('prunebench.Rng');
/** The run's budget ledger (a `Ledger`); outside a run, a fresh one that nobody reads. */
export const LEDGER = Symbol.for('prunebench.Ledger');
