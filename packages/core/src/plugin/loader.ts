import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { InvalidPluginError, PluginNotFoundError } from '../errors';
import { closestName } from '../util/did-you-mean';
import { isPathLike, normalizePluginName } from './names';
import type { PrunebenchPlugin } from './plugin';
import type { PluginSource, RegisteredPlugin, Registry } from './registry';

/** A config's `plugins` entry: a name (short, full, or a path) or the plugin object itself. */
export type PluginReference = string | PrunebenchPlugin;

export interface LoadedPlugin {
  plugin: PrunebenchPlugin;
  source: PluginSource;
}

/**
 * Finds and loads one plugin by name, resolved from `fromDir` (the config file's folder),
 * as Node would resolve it from a file there.
 */
export async function loadPluginByName(name: string, fromDir: string): Promise<LoadedPlugin> {
  const request = normalizePluginName(name);
  const requireFromConfig = createRequire(path.join(path.resolve(fromDir), '__prunebench_config__.js'));
  let resolvedPath: string;
  try {
    resolvedPath = requireFromConfig.resolve(isPathLike(request) ? path.resolve(fromDir, request) : request);
  } catch (error) {
    throw new PluginNotFoundError(notFoundMessage(name, request, fromDir), { cause: error });
  }
  let moduleValue: unknown;
  try {
    moduleValue = requireFromConfig(resolvedPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ESM') {
      moduleValue = await import(pathToFileUrl(resolvedPath));
    } else {
      throw new InvalidPluginError(
        `plugin "${name}" (${resolvedPath}) failed to load: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  const plugin = defaultExport(moduleValue);
  const packageInfo = isPathLike(request) ? undefined : readPackageInfo(resolvedPath);
  if (!looksLikePlugin(plugin)) {
    throw new InvalidPluginError(
      `"${request}" (${resolvedPath}) has no valid plugin as its default export: ` +
        `export a plugin object { name, version, apiVersion, pruners?, schedules?, models?, datasets? } ` +
        `as the module's default export (see definePlugin in @prunebench/core).`,
    );
  }
  return {
    plugin,
    source: {
      packageName: packageInfo?.name ?? request,
      packageVersion: packageInfo?.version,
      resolvedPath,
    },
  };
}

/** Loads every entry of a config's `plugins` list into the registry, in order. */
export async function loadPlugins(
  references: readonly PluginReference[],
  registry: Registry,
  fromDir: string,
): Promise<RegisteredPlugin[]> {
  const added: RegisteredPlugin[] = [];
  for (const reference of references) {
    if (typeof reference === 'string') {
      const { plugin, source } = await loadPluginByName(reference, fromDir);
      added.push(registry.add(plugin, source));
    } else {
      added.push(registry.add(reference, { packageName: '(config)', packageVersion: reference?.version }));
    }
  }
  return added;
}

function defaultExport(moduleValue: unknown): unknown {
  if (moduleValue && typeof moduleValue === 'object' && 'default' in moduleValue) {
    const inner = (moduleValue as { default: unknown }).default;
    // CJS compiled from ESM (`exports.default`), possibly wrapped again by import().
    if (inner && typeof inner === 'object' && 'default' in inner && !looksLikePlugin(inner)) {
      return (inner as { default: unknown }).default;
    }
    return inner;
  }
  return moduleValue;
}

function looksLikePlugin(value: unknown): value is PrunebenchPlugin {
  return typeof value === 'object' && value !== null && 'name' in value && 'apiVersion' in value;
}

function pathToFileUrl(file: string): string {
  return require('node:url').pathToFileURL(file).href;
}

function readPackageInfo(resolvedPath: string): { name: string; version: string } | undefined {
  let dir = path.dirname(resolvedPath);
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      try {
        const json = JSON.parse(fs.readFileSync(candidate, 'utf8'));
        if (typeof json.name === 'string') return { name: json.name, version: String(json.version ?? '') };
      } catch {
        // an unreadable package.json: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function notFoundMessage(name: string, request: string, fromDir: string): string {
  if (isPathLike(request)) {
    return `cannot find plugin "${name}": no module at ${path.resolve(fromDir, request)} (paths are relative to the config file's folder, ${fromDir})`;
  }
  const installed = installedPluginNames(fromDir);
  const suggestion = closestName(request, installed);
  const hint = suggestion ? ` Did you mean "${suggestion}"?` : '';
  const renamed = request === name ? '' : ` (looked for package "${request}")`;
  return (
    `cannot find plugin "${name}"${renamed} from ${fromDir}.${hint} ` +
    `Install it (npm install ${request}) in the project that holds the config, or fix the name.`
  );
}

/** Names of prunebench plugin packages installed in node_modules folders above `fromDir`. */
function installedPluginNames(fromDir: string): string[] {
  const names = new Set<string>();
  let dir = path.resolve(fromDir);
  for (;;) {
    const modules = path.join(dir, 'node_modules');
    for (const entry of safeReaddir(modules)) {
      if (entry.startsWith('prunebench-plugin')) names.add(entry);
      if (entry.startsWith('@')) {
        for (const scoped of safeReaddir(path.join(modules, entry))) {
          if (scoped.startsWith('prunebench-plugin')) names.add(`${entry}/${scoped}`);
        }
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return [...names];
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
