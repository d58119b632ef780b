import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { LoadedConfig } from '../config/types';
import { componentsOf, Registry, type PluginSource } from './registry';
import type { PrunebenchPlugin } from './plugin';
import { loadPlugins } from './loader';
import { COMPONENT_KINDS } from '../interfaces/component';
import { KIND_TOKENS, REGISTRY } from '../tokens';

export interface Setup {
  registry: Registry;
  /** A child of tsyringe's root container holding this registry and every component class. */
  container: DependencyContainer;
}

/**
 * Builds the registry: the built-in plugins first (as the CLI wires them), then every plugin
 * the config names, resolved from the config's folder. Component classes are also registered
 * under their kind's token in a fresh child container, so `@injectAll(PRUNER)` works.
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
  const container = (options.parent ?? rootContainer).createChildContainer();
  container.register(REGISTRY, { useValue: registry });
  for (const { plugin } of registry.listPlugins()) {
    for (const kind of COMPONENT_KINDS) {
      for (const componentClass of componentsOf(plugin, kind)) {
        container.register(KIND_TOKENS[kind], { useValue: componentClass });
      }
    }
  }
  return { registry, container };
}
