// tsyringe needs the Reflect metadata API before any decorated class is defined; importing core
// is enough for users and plugins.
import 'reflect-metadata';
// @prunebench/core: the public API. Plugins import only from here.
export * from './tokens';
export * from './errors';
export { CORE_VERSION } from './version';

export * from './interfaces/component';
export * from './interfaces/schedule';
export * from './interfaces/model';
export * from './interfaces/dataset';
export * from './interfaces/ledger';
export * from './interfaces/pruner';

export { PLUGIN_API_VERSION, definePlugin, type PrunebenchPlugin } from './plugin/plugin';
export { Registry, type PluginSource, type RegisteredComponent, type RegisteredPlugin } from './plugin/registry';
export { normalizePluginName } from './plugin/names';
export { loadPluginByName, loadPlugins, type PluginReference, type LoadedPlugin } from './plugin/loader';
export { createComponent } from './plugin/create';
export { setupPlugins, type Setup } from './plugin/setup';

export { configSchema, BACKEND_NAMES, BASELINE_NAMES } from './config/schema';
export { defineConfig, type PrunebenchConfig, type LoadedConfig, type ComponentEntry, type IterativePruning } from './config/types';
export {
  validateConfigStructure,
  validateOptions,
  resolveComponentRef,
  splitComponentRef,
  type ComponentRef,
} from './config/validate';
export { resolveConfigComponents, type ResolvedComponents } from './config/resolve';

// The one Ledger implementation: the harness charges it during a run; plugin tests hand one to a pruner.
export { RunLedger, emptyLedgerEntries } from './ledger/run-ledger';

export { closestName, didYouMean, editDistance } from './util/did-you-mean';

// The channel dependency graph and cost counting (models and pruners build on them).
export * from './graph/types';
export { buildChannelGraph } from './graph/build-graph';
export { applyChannelSelection } from './graph/apply-selection';
export { CHANNEL_ZERO_PAD_CLASS } from './graph/layer-kinds';
export { countCost, type CostOptions, type LayerCost, type ModelCost } from './cost/count-cost';

export * from './schedule';
export { Rng, deriveSeed } from './util/rng';
