import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { Ledger } from '../interfaces/ledger';
import { RunLedger } from '../ledger/run-ledger';
import { LEDGER, REGISTRY, RNG } from '../tokens';
import { Rng } from '../util/rng';
import type { Registry } from './registry';

/** The stream label of a run's `RNG` (the harness's and the CLI's runs draw the same numbers). */
const RUN_STREAM = 'run';

/**
 * The container components are made in (`setupPlugins` and the conformance kit use it): REGISTRY
 * is `registry`; RNG and LEDGER are provided as outside a run — a fresh `Rng` of seed 0 and a fresh
 * ledger for each component — so anything that constructs components (a config check, `inspect`)
 * can, and `runScope` replaces both for a run.
 */
export function pluginContainer(registry: Registry, parent: DependencyContainer = rootContainer): DependencyContainer {
  const container = parent.createChildContainer();
  container.register(REGISTRY, { useValue: registry });
  container.register(RNG, { useFactory: () => new Rng(0, RUN_STREAM) });
  container.register(LEDGER, { useFactory: () => new RunLedger() });
  return container;
}

/**
 * One run's child container (one per run, the tsyringe way): RNG is one `Rng` of the run's seed,
 * LEDGER the run's ledger, for every component made in it (nested ones included).
 */
export function runScope(parent: DependencyContainer, run: { seed: number; ledger: Ledger }): DependencyContainer {
  const scope = parent.createChildContainer();
  const rng = new Rng(run.seed, RUN_STREAM);
  scope.register(RNG, { useFactory: () => rng });
  scope.register(LEDGER, { useValue: run.ledger });
  return scope;
}
