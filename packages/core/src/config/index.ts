// @prunebench/core/config: checking a config against the registry, and reading the original
// recipe from a config or a file — what a host (the harness, the CLI) does with a config file.
// Plugins do not need it: their options reach them validated as OPTIONS, nested components are
// made with COMPONENTS, and a schedule is handed the recipe.
export { configSchema } from './schema';
export { validateConfigStructure, configStructureErrors, validateOptions, resolveComponentRef, planEntryErrors, type ComponentRef } from './validate';
export { resolveConfigComponents, type ResolvedComponents } from './resolve';
export { expandPlanShorthand } from './plan-entry';
export { composeConfigSchema } from './compose-schema';
export { COMPOSING_PRUNERS, resolvePrunerEntry, type PrunerEntryTarget } from '../plugin/compose';
export { resolveOriginalSchedule, validateOriginalSchedule, readOriginalSchedule, describeOriginalSchedule, ORIGINAL_PRESETS, ORIGINAL_PRESET_NAMES, originalScheduleSchema, type OriginalPresetName } from '../schedule/original';
