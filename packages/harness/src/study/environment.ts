import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { selectBackend, type BackendSelection } from '../backend/select';
import { loadConfig } from '../config/load';
import { type PrunebenchConfig, ConfigError, ConfigErrors, UsageError, createComponent, type PrunebenchPlugin, type Registry, setupPlugins, type LoadedPlugin, type PluginSource, PluginNotFoundError, InvalidPluginError } from '@prunebench/core';
import { resolveConfigComponents, type ResolvedComponents, configStructureErrors } from '@prunebench/core/config';
import { studyConfigSchema } from '../config/study-schema';
import { defineStudy, missingStudyKeys, type PluginLoad, type StudyDefinition, type StudyOverrides } from './definition';
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
export function loadBuiltinPlugins(modules: readonly string[]): LoadedPlugin[] {
  return modules.map((name) => {
    const plugin = requirePlugin(name);
    return { plugin, source: { packageName: plugin.name ?? name, packageVersion: plugin.version, resolvedPath: require.resolve(name) } };
  });
}

function requirePlugin(specifier: string): PrunebenchPlugin {
  // A package name resolves from the working folder first (a worker's own install), then from here.
  const resolved = path.isAbsolute(specifier) ? specifier : require.resolve(specifier, { paths: [process.cwd(), __dirname] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(resolved);
  return loaded?.default ?? loaded;
}

/** What the registry holds, as data another thread or machine can load again. */
function pluginLoads(registry: Registry): PluginLoad[] {
  return registry.listPlugins().map(({ plugin, source }) => ({
    name: plugin.name,
    version: plugin.version,
    module: source.packageName === '(config)' ? null : source.resolvedPath && isAbsolutePathPlugin(source) ? source.resolvedPath : source.packageName,
    ...(source.resolvedPath ? { resolvedPath: source.resolvedPath } : {}),
  }));
}

/** A plugin loaded from a path in the config (not a package): its package name is the request itself. */
function isAbsolutePathPlugin(source: PluginSource): boolean {
  return path.isAbsolute(source.packageName) || source.packageName.startsWith('.');
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
    const pluginErrors = configStructureErrors(config, undefined, studyConfigSchema).filter((e) => e.keyPath === 'plugins' || e.keyPath.startsWith('plugins['));
    if (pluginErrors.length) throw new ConfigErrors(pluginErrors);
    loaded = { config, filepath: '', dir: source.dir };
  }
  const { registry, container } = await setupPlugins({ builtins, config: loaded.config.plugins?.length ? loaded : null });
  // One round: structure, components and what a study needs, all reported together.
  // A pruner entry's `iterative` key is the harness's; the rest are the pruner's options.
  const file = source.configFile ?? undefined;
  let components: ResolvedComponents | undefined;
  const errors: ConfigError[] = [];
  let iterative: ReturnType<typeof extractIterative>['iterative'] = [];
  try {
    const extracted = extractIterative(config, registry, file);
    iterative = extracted.iterative;
    components = resolveConfigComponents(extracted.config, registry, file, studyConfigSchema);
  } catch (error) {
    if (!(error instanceof ConfigErrors)) throw error;
    errors.push(...error.errors);
  }
  errors.push(...missingStudyKeys(config, file).filter((m) => !errors.some((e) => e.keyPath === m.keyPath)));
  if (errors.length || !components) throw new ConfigErrors(errors);
  components.pruners = components.pruners.map((p, i) => (iterative[i] ? { ...p, iterative: iterative[i] } : p));
  if (config.baselines?.includes('random')) components.pruners = addRandomCounterparts(components.pruners, registry, file);
  const study = defineStudy(config, components, { file: source.configFile, dir: loaded.dir }, source.overrides);
  study.plugins = pluginLoads(registry);
  checkComponentsConstruct(study, container, registry, source.configFile ?? undefined);
  return { study, container, registry };
}

/** Plugins the definition names that only the main process has (objects passed in a JS/TS config). */
export function unloadablePlugins(study: StudyDefinition): string[] {
  return study.plugins.filter((p) => p.module === null).map((p) => p.name);
}

/**
 * The environment of a definition the main process resolved: the same plugins, loaded here, and
 * nothing re-read from the config file. Worker threads (and queue workers) start from this, so a
 * config edited during a study changes nothing that is running.
 */
export async function openStudyFromDefinition(study: StudyDefinition): Promise<StudyEnvironment> {
  const builtins: LoadedPlugin[] = study.plugins.map((load) => {
    if (load.module === null) {
      throw new UsageError(
        `plugin "${load.name}" was passed as an object in the config, so only the process that read the config has it: ` +
          'run with --workers 1, or load it by package name or path in "plugins"',
      );
    }
    const specifier = load.resolvedPath && fs.existsSync(load.resolvedPath) ? load.resolvedPath : load.module;
    let plugin: PrunebenchPlugin;
    try {
      plugin = requirePlugin(specifier);
    } catch (error) {
      throw new PluginNotFoundError(
        `the study needs plugin "${load.name}"${load.version ? `@${load.version}` : ''} (${load.module}), which cannot be loaded here: ` +
          `${(error as Error).message.split('\n')[0]}. Install it where this worker runs.`,
        { cause: error },
      );
    }
    if (plugin?.name !== load.name || (load.version !== undefined && plugin.version !== load.version)) {
      throw new InvalidPluginError(
        `the study was defined with plugin "${load.name}"@${load.version ?? '?'}, but "${specifier}" here is ` +
          `"${plugin?.name}"@${plugin?.version ?? '?'}: install the same version where this worker runs`,
      );
    }
    return { plugin, source: { packageName: load.module, packageVersion: load.version, resolvedPath: specifier } };
  });
  const { registry, container } = await setupPlugins({ builtins });
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
