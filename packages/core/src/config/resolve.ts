import { ConfigError, ConfigErrors } from '../errors';
import type { ComponentKind, JsonSchema } from '../interfaces/component';
import { configSchema } from './schema';
import type { Registry } from '../plugin/registry';
import type { ComponentEntry, PrunebenchConfig } from './types';
import { configStructureErrors, resolveComponentRef, type ComponentRef } from './validate';

export interface ResolvedComponents {
  dataset?: ComponentRef;
  model?: ComponentRef;
  pruners: ComponentRef[];
  schedules: ComponentRef[];
}

/** Whether `path` is `entry` or lies inside it (`pruners[0]` holds `pruners[0].use`, not `pruners[01]`). */
function within(path: string, entry: string): boolean {
  return path === entry || path.startsWith(`${entry}.`) || path.startsWith(`${entry}[`);
}

/**
 * Checks a config in one round: its structure, and every component it names against the
 * registry (ids, options, a pruner's plan and the plan's options). Throws ConfigErrors listing
 * all problems, so one run of the command shows them all; an entry whose structure is already
 * wrong is not looked up again. `schema` is the structure to check (the harness's
 * `studyConfigSchema` narrows `baselines` and `backend` to the names it knows).
 */
export function resolveConfigComponents(config: PrunebenchConfig, registry: Registry, file?: string, schema: JsonSchema = configSchema): ResolvedComponents {
  const errors: ConfigError[] = configStructureErrors(config, file, schema);
  const structural = [...errors];
  const resolve = (kind: ComponentKind, entry: ComponentEntry, path: string): ComponentRef | undefined => {
    if (structural.some((e) => within(e.keyPath, path) || within(path, e.keyPath))) return undefined;
    try {
      return resolveComponentRef(registry, kind, entry, path, file);
    } catch (error) {
      if (error instanceof ConfigErrors) errors.push(...error.errors);
      else throw error;
      return undefined;
    }
  };
  const list = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []);
  const resolved: ResolvedComponents = {
    dataset: config.dataset === undefined ? undefined : resolve('dataset', config.dataset, 'dataset'),
    model: config.model === undefined ? undefined : resolve('model', config.model, 'model'),
    pruners: list(config.pruners).map((p, i) => resolve('pruner', p, `pruners[${i}]`)!),
    schedules: list(config.schedules).map((s, i) => resolve('schedule', s, `schedules[${i}]`)!),
  };
  if (errors.length) throw new ConfigErrors(errors);
  return resolved;
}
