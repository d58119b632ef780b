import type { DependencyContainer } from 'tsyringe';
import type { LoadedConfig } from '../config/types';
import { Registry, type PluginSource } from './registry';
import type { PrunebenchPlugin } from './plugin';
import { loadPlugins } from './loader';
import { pluginContainer } from './containers';

export interface Setup {
  registry: Registry;
  /** A child of `parent` (tsyringe's root container) providing REGISTRY, RNG and LEDGER: `pluginContainer`. */
  container: DependencyContainer;
}

/**
 * Builds the registry: the built-in plugins first (as the CLI wires them), then every plugin
 * the config names, resolved from the config's folder; and the container components are made in.
 */
export async function setupPlugins(options: {
  builtins?: Array<{ plugin: PrunebenchPlugin; source: PluginSource }>;
  config?: LoadedConfig | null;
  parent?: DependencyContainer;
}): Promise<Setup> {
  const registry = new Registry();
  for (const { plugin, source } of options.builtins ?? []) registry.add(plugin, source);
  if (options.config?.config.plugins?.length) {
    await loadPlugins(options.config.config.plugins, registry, options.config.dir);
  }
  return { registry, container: pluginContainer(registry, options.parent) };
}
