import type { DependencyContainer } from 'tsyringe';
import { selectBackend, type BackendSelection } from '../backend/select';
import { loadConfig } from '../config/load';
import { type PrunebenchConfig, resolveConfigComponents, validateConfigStructure, ConfigError, ConfigErrors, UsageError, createComponent, type PrunebenchPlugin, type Registry, setupPlugins } from '@prunebench/core';
import { defineStudy, type StudyDefinition, type StudyOverrides } from './definition';
import { addRandomCounterparts } from './baselines';
import { extractIterative } from './iterative';

/**
 * Everything needed to rebuild a study's environment in another thread: worker threads get
 * this (plain data) and load the same config, plugins and backend themselves.
 */
export interface StudySource {
  /** The config file, or null when `inlineConfig` is the config (the built-in quick study). */
  configFile: string | null;
  inlineConfig?: PrunebenchConfig;
  /** Folder relative paths resolve from when there is no config file. */
  dir: string;
  /** Modules whose default export is a built-in plugin (the CLI's wiring), in order. */
  builtinModules: string[];
  overrides: StudyOverrides;
}

export interface StudyEnvironment {
  study: StudyDefinition;
  container: DependencyContainer;
  registry: Registry;
}

/** Loads each module's default-exported plugin (built-ins, named by the CLI). */
export function loadBuiltinPlugins(modules: readonly string[]) {
  return modules.map((name) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(name);
    const plugin: PrunebenchPlugin = loaded?.default ?? loaded;
    return { plugin, source: { packageName: plugin.name ?? name, packageVersion: plugin.version } };
  });
}

/** Config + plugins + components → a StudyDefinition and the container to run it in. */
export async function openStudy(source: StudySource): Promise<StudyEnvironment> {
  const builtins = loadBuiltinPlugins(source.builtinModules);
  let config: PrunebenchConfig;
  let loaded;
  if (source.configFile) {
    loaded = await loadConfig({ file: source.configFile });
    if (!loaded) throw new UsageError(`config file not found: ${source.configFile}`);
    config = loaded.config;
  } else {
    config = source.inlineConfig ?? {};
    validateConfigStructure(config);
    loaded = { config, filepath: '', dir: source.dir };
  }
  const { registry, container } = await setupPlugins({ builtins, config: loaded.config.plugins?.length ? loaded : null });
  // A pruner entry's `iterative` key is the harness's; the rest are the pruner's options.
  const { config: prunerOptionsOnly, iterative } = extractIterative(config, registry, source.configFile ?? undefined);
  const components = resolveConfigComponents(prunerOptionsOnly, registry, source.configFile ?? undefined);
  components.pruners = components.pruners.map((p, i) => (iterative[i] ? { ...p, iterative: iterative[i] } : p));
  if (config.baselines?.includes('random')) components.pruners = addRandomCounterparts(components.pruners, registry, source.configFile ?? undefined);
  const study = defineStudy(config, components, { file: source.configFile, dir: loaded.dir }, source.overrides);
  checkComponentsConstruct(study, container, registry, source.configFile ?? undefined);
  return { study, container, registry };
}

/**
 * Makes each pruner and schedule once, so problems their constructors find (e.g. a pruner's
 * unknown plan) are config errors now, with the key path, not failed runs later.
 */
function checkComponentsConstruct(study: StudyDefinition, container: DependencyContainer, registry: Registry, file?: string): void {
  const errors: ConfigError[] = [];
  const entries = [
    ...study.pruners.map((ref, i) => ({ kind: 'pruner' as const, ref, path: `pruners[${i}]` })),
    ...study.schedules.map((ref, i) => ({ kind: 'schedule' as const, ref, path: `schedules[${i}]` })),
  ];
  for (const { kind, ref, path } of entries) {
    try {
      createComponent(container, registry, kind, ref.id, ref.options);
    } catch (error) {
      if (error instanceof ConfigErrors) {
        errors.push(...error.errors.map((e) => new ConfigError(e.keyPath ? `${path}.${e.keyPath}` : path, e.problem, file)));
      } else if (error instanceof UsageError) {
        errors.push(new ConfigError(path, error.message, file));
      } else {
        throw error;
      }
    }
  }
  if (errors.length) throw new ConfigErrors(errors);
}

/** Sets this thread's tfjs backend as the study asks. */
export async function prepareBackend(study: StudyDefinition): Promise<BackendSelection> {
  return selectBackend(study.backend);
}
