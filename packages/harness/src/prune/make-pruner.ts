import { ConfigErrors, UnknownComponentError, UsageError, createComponent, runScope, type Ledger, type Pruner, type Registry } from '@prunebench/core';
import { resolveComponentRef, resolvePrunerEntry, type ComponentRef } from '@prunebench/core/config';
import type { DependencyContainer } from 'tsyringe';

/** How the caller spells each input in messages: flags for the CLI (`--plan`), key paths for a config. */
export interface PruneKeys {
  criterion: string;
  plan: string;
  sparsity: string;
  dataset: string;
  /** Where the pruned model goes. */
  out: string;
  /** The fine-tuning schedule. */
  schedule: string;
  /** An option set on the plan, e.g. `--plan-option layers=all`. */
  planOption(key: string, value: string): string;
}

export const CONFIG_KEYS: PruneKeys = {
  criterion: 'pruner.use',
  plan: 'pruner.plan',
  sparsity: 'pruner.sparsity',
  dataset: 'dataset',
  out: 'out',
  schedule: 'finetune.schedule',
  planOption: (key, value) => `pruner.plan.${key}: ${JSON.stringify(value)}`,
};

/** Re-labels a config-shaped error with the key the caller used. */
function relabel(key: string, keys: PruneKeys, error: unknown): unknown {
  if (error instanceof ConfigErrors) {
    // A plan's own errors (`plan.use`, `plan.ratio`) belong to the plan's key, whichever entry checked them.
    const messages = error.errors.map((e) => {
      const path = e.keyPath.replace(/^\./, '');
      if (path === 'plan' || path === 'plan.use') return `${keys.plan}: ${e.problem}`;
      if (path.startsWith('plan.')) return `${keys.plan}: ${path.slice('plan.'.length)}: ${e.problem}`;
      return `${key}: ${e.message}`;
    });
    return new UsageError(messages.join('; '), { cause: error });
  }
  if (error instanceof UnknownComponentError) return new UsageError(`${key}: ${error.message}`, { cause: error });
  return error;
}

type Schema = { properties?: Record<string, unknown>; required?: string[] } | undefined;

/**
 * The pruner of a config entry (`{ use: 'l1', plan: {...} }`, `{ use: 'magnitude', sparsity }`),
 * made from the registry as a study's is: the same ids, option schemas, defaults and "did you
 * mean". Options that do not fit the criterion's kind (a plan for a weight score) are named first.
 * It is made in the run's scope: the RNG of `run.seed`, the LEDGER `run.ledger`.
 */
export function makePruner(
  components: { container: DependencyContainer; registry: Registry },
  entry: { use: string; [key: string]: unknown },
  run: { seed: number; ledger: Ledger },
  keys: PruneKeys,
): { ref: ComponentRef; pruner: Pruner } {
  const { registry, container } = components;
  const { use: id, ...given } = entry;
  let target: ReturnType<typeof resolvePrunerEntry>;
  try {
    target = resolvePrunerEntry(registry, id, {});
  } catch {
    throw new UsageError(`${keys.criterion}: ${registry.unknownMessage('pruner', id)}`);
  }
  const schema = registry.get('pruner', target.pruner.id).componentClass.optionsSchema as Schema;
  const own = target.criterion ? (registry.get(target.kind, id).componentClass.optionsSchema as Schema) : undefined;
  const takes = (key: string) => Boolean((schema?.properties && key in schema.properties) || (own?.properties && key in own.properties));
  const name = `${keys.criterion} ${id}`;
  if (given.plan !== undefined && !takes('plan')) {
    throw new UsageError(`${name} takes no plan${takes('sparsity') ? ` (it prunes single weights): give ${keys.sparsity}, e.g. 0.9` : ''}`);
  }
  if (given.sparsity !== undefined && !takes('sparsity')) {
    throw new UsageError(`${name} takes no ${keys.sparsity}${takes('plan') ? ` (it removes whole channels): give ${keys.plan}, e.g. uniform with ratio 0.5` : ''}`);
  }
  if (given.sparsity === undefined && schema?.required?.includes('sparsity')) {
    throw new UsageError(`${name} prunes single weights: give ${keys.sparsity}, the fraction set to zero (e.g. 0.9)`);
  }
  let ref: ComponentRef;
  try {
    ref = resolveComponentRef(registry, 'pruner', entry, '');
  } catch (error) {
    throw relabel(name, keys, error);
  }
  let pruner: Pruner;
  try {
    // Constructing a structured pruner makes its plan: plan ids and options are checked here.
    pruner = createComponent<Pruner>(runScope(container, run), registry, 'pruner', ref.id, ref.options);
  } catch (error) {
    throw relabel(keys.plan, keys, error);
  }
  if (pruner.requirements.structured && ref.options.plan === undefined) {
    throw new UsageError(`${name} removes channels and needs a plan: give ${keys.plan}, e.g. uniform with ratio 0.5, or pfec-a`);
  }
  return { ref, pruner };
}
