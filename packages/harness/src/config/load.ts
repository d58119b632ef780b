import * as fs from 'node:fs';
import * as path from 'node:path';
import { cosmiconfig, defaultLoadersSync, getDefaultSearchPlaces } from 'cosmiconfig';
import { ConfigError, UsageError, validateConfigStructure, type LoadedConfig, type PrunebenchConfig } from '@prunebench/core';

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
    loaders: { '.ts': defaultLoadersSync['.ts'] },
  });
}

/**
 * Loads and structurally validates a config: the file given, or the first of
 * `prunebench.config.{ts,js,mjs,cjs,json,yaml}`, `.prunebenchrc*`, `package.json#prunebench`
 * found from `cwd` up to the project root. Returns null when none is found (and none was given).
 */
export async function loadConfig(options: { file?: string; cwd?: string } = {}): Promise<LoadedConfig | null> {
  const cwd = options.cwd ?? process.cwd();
  let result;
  if (options.file) {
    const file = path.resolve(cwd, options.file);
    if (!fs.existsSync(file)) throw new UsageError(`config file not found: ${file}`);
    try {
      result = await explorer().load(file);
    } catch (error) {
      throw new ConfigError('', `cannot read the config: ${(error as Error).message}`, file);
    }
    if (!result || result.isEmpty) throw new ConfigError('', 'the config file is empty', file);
  } else {
    try {
      result = await explorer().search(cwd);
    } catch (error) {
      throw new ConfigError('', `cannot read the config: ${(error as Error).message}`);
    }
    if (!result) return null;
    if (result.isEmpty) throw new ConfigError('', 'the config file is empty', result.filepath);
  }
  const config = unwrapModule(result.config);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError('', 'a config must be an object', result.filepath);
  }
  validateConfigStructure(config, result.filepath);
  return { config: config as PrunebenchConfig, filepath: result.filepath, dir: path.dirname(result.filepath) };
}

/** A TS/ESM config compiled to CommonJS exposes its export as `default`. */
function unwrapModule(value: unknown): unknown {
  if (value && typeof value === 'object' && '__esModule' in value && 'default' in value) {
    return (value as { default: unknown }).default;
  }
  return value;
}
