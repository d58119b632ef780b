import { ConfigError, ConfigErrors } from '../errors';
import type { ComponentKind } from '../interfaces/component';
import type { Registry } from '../plugin/registry';
import type { ComponentEntry, PrunebenchConfig } from './types';
import { resolveComponentRef, type ComponentRef } from './validate';

export interface ResolvedComponents {
  dataset?: ComponentRef;
  model?: ComponentRef;
  pruners: ComponentRef[];
  schedules: ComponentRef[];
}

/**
 * Checks every component a config names against the registry (ids and options), collecting
 * all problems before throwing, so one run of the command shows them all.
 */
export function resolveConfigComponents(config: PrunebenchConfig, registry: Registry, file?: string): ResolvedComponents {
  const errors: ConfigError[] = [];
  const resolve = (kind: ComponentKind, entry: ComponentEntry, path: string): ComponentRef | undefined => {
    try {
      return resolveComponentRef(registry, kind, entry, path, file);
    } catch (error) {
      if (error instanceof ConfigErrors) errors.push(...error.errors);
      else throw error;
      return undefined;
    }
  };
  const resolved: ResolvedComponents = {
    dataset: config.dataset === undefined ? undefined : resolve('dataset', config.dataset, 'dataset'),
    model: config.model === undefined ? undefined : resolve('model', config.model, 'model'),
    pruners: (config.pruners ?? []).map((p, i) => resolve('pruner', p, `pruners[${i}]`)!),
    schedules: (config.schedules ?? []).map((s, i) => resolve('schedule', s, `schedules[${i}]`)!),
  };
  if (errors.length) throw new ConfigErrors(errors);
  return resolved;
}
