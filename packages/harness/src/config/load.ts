import * as fs from 'node:fs';
import * as path from 'node:path';
import { cosmiconfig, defaultLoadersSync, getDefaultSearchPlaces } from 'cosmiconfig';
import { ConfigError, ConfigErrors, UsageError, type LoadedConfig, type PrunebenchConfig } from '@prunebench/core';
import { configStructureErrors, validateConfigStructure } from '@prunebench/core/config';
import { studyConfigSchema } from './study-schema';

const MODULE_NAME = 'prunebench';

function explorer() {
  return cosmiconfig(MODULE_NAME, {
    // From the working folder up to the project root (the nearest package.json).
    searchStrategy: 'project',
    searchPlaces: [
      ...getDefaultSearchPlaces(MODULE_NAME),
      `${MODULE_NAME}.config.json`,
      `${MODULE_NAME}.config.yaml`,
      `${MODULE_NAME}.config.yml`,
    ],
    // TS configs are compiled to CommonJS and required (not import()ed as ESM), so a config
    // can `require`/`import` plugins and core from its folder, and loads inside jest too.
    loaders: { '.ts': typescriptConfigLoader() },
  });
}

/** What a TS config needs: `typescript` (cosmiconfig compiles the file with it). */
export const TYPESCRIPT_NEEDED =
  'a TypeScript config needs the `typescript` package to compile it, and it is not installed: ' +
  'run `npm install --save-dev typescript` in your project, or write the config as prunebench.config.js or .json';

/**
 * cosmiconfig's TS loader, which first checks that `typescript` can be found (from the config's
 * folder, or prunebench's), so a missing one is a ConfigError that says what to install, not a
 * require stack. `resolveTypescript` is replaceable for tests.
 */
export function typescriptConfigLoader(
  resolveTypescript: (fromDir: string) => string = (fromDir) => require.resolve('typescript', { paths: [fromDir, __dirname] }),
): (filepath: string, content: string) => unknown {
  return (filepath, content) => {
    try {
      resolveTypescript(path.dirname(filepath));
    } catch {
      throw new ConfigError('', TYPESCRIPT_NEEDED, filepath);
    }
    return defaultLoadersSync['.ts'](filepath, content);
  };
}

export interface LoadConfigOptions {
  file?: string;
  cwd?: string;
  /**
   * Leave the structure check to `resolveConfigComponents`, which checks it together with the
   * components, so a user sees every problem in one round. The `plugins` key is still checked
   * here: loading the plugins needs it.
   */
  deferStructureCheck?: boolean;
}

/**
 * Loads and structurally validates a config: the file given, or the first of
 * `prunebench.config.{ts,js,mjs,cjs,json,yaml}`, `.prunebenchrc*`, `package.json#prunebench`
 * found from `cwd` up to the project root. Returns null when none is found (and none was given).
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig | null> {
  const cwd = options.cwd ?? process.cwd();
  let result;
  if (options.file) {
    const file = path.resolve(cwd, options.file);
    if (!fs.existsSync(file)) throw new UsageError(`config file not found: ${file}`);
    try {
      result = await explorer().load(file);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError('', `cannot read the config: ${(error as Error).message}`, file);
    }
    if (!result || result.isEmpty) throw new ConfigError('', 'the config file is empty', file);
  } else {
    try {
      result = await explorer().search(cwd);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError('', `cannot read the config: ${(error as Error).message}`);
    }
    if (!result) return null;
    if (result.isEmpty) throw new ConfigError('', 'the config file is empty', result.filepath);
  }
  const config = unwrapModule(result.config);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError('', 'a config must be an object', result.filepath);
  }
  if (!options.deferStructureCheck) validateConfigStructure(config, result.filepath, studyConfigSchema);
  else {
    const pluginErrors = configStructureErrors(config, result.filepath, studyConfigSchema).filter((e) => e.keyPath === 'plugins' || e.keyPath.startsWith('plugins['));
    if (pluginErrors.length) throw new ConfigErrors(pluginErrors);
  }
  return { config: config as PrunebenchConfig, filepath: result.filepath, dir: path.dirname(result.filepath) };
}

/** A TS/ESM config compiled to CommonJS exposes its export as `default`. */
function unwrapModule(value: unknown): unknown {
  if (value && typeof value === 'object' && '__esModule' in value && 'default' in value) {
    return (value as { default: unknown }).default;
  }
  return value;
}
