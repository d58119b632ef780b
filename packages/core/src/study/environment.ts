import type { DependencyContainer } from 'tsyringe';
import { selectBackend, type BackendSelection } from '../backend/select';
import { loadConfig, type PrunebenchConfig } from '../config/load';
import { resolveConfigComponents, type ResolvedComponents } from '../config/resolve';
import { configStructureErrors } from '../config/validate';
import { ConfigError, ConfigErrors, UsageError } from '../errors';
import { createComponent } from '../plugin/create';
import type { PrunebenchPlugin } from '../plugin/plugin';
import type { Registry } from '../plugin/registry';
import { setupPlugins } from '../plugin/setup';
import { defineStudy, missingStudyKeys, type StudyDefinition, type StudyOverrides } from './definition';

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
    loaded = await loadConfig({ file: source.configFile, deferStructureCheck: true });
    if (!loaded) throw new UsageError(`config file not found: ${source.configFile}`);
    config = loaded.config;
  } else {
    config = source.inlineConfig ?? {};
    const pluginErrors = configStructureErrors(config).filter((e) => e.keyPath === 'plugins' || e.keyPath.startsWith('plugins['));
    if (pluginErrors.length) throw new ConfigErrors(pluginErrors);
    loaded = { config, filepath: '', dir: source.dir };
  }
  const { registry, container } = await setupPlugins({ builtins, config: loaded.config.plugins?.length ? loaded : null });
  // One round: structure, components and what a study needs, all reported together.
  const file = source.configFile ?? undefined;
  let components: ResolvedComponents | undefined;
  const errors: ConfigError[] = [];
  try {
    components = resolveConfigComponents(config, registry, file);
  } catch (error) {
    if (!(error instanceof ConfigErrors)) throw error;
    errors.push(...error.errors);
  }
  errors.push(...missingStudyKeys(config, file).filter((m) => !errors.some((e) => e.keyPath === m.keyPath)));
  if (errors.length || !components) throw new ConfigErrors(errors);
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
