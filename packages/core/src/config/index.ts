// @prunebench/core/config: checking a config against the registry — what a host (the harness,
// the CLI) does with a config file. Plugins do not need it: their options reach them validated
// as OPTIONS, and nested components are made with COMPONENTS.
export { configSchema } from './schema';
export { validateConfigStructure, configStructureErrors, validateOptions, resolveComponentRef, planEntryErrors, type ComponentRef } from './validate';
export { resolveConfigComponents, type ResolvedComponents } from './resolve';
export { expandPlanShorthand } from './plan-entry';
export { composeConfigSchema } from './compose-schema';
export { COMPOSING_PRUNERS, resolvePrunerEntry, type PrunerEntryTarget } from '../plugin/compose';
