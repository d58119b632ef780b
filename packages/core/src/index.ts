// tsyringe needs the Reflect metadata API before any decorated class is defined; importing core
// is enough for users and plugins.
import 'reflect-metadata';
// @prunebench/core: the plugin contract. Everything here is listed in README.md ("Public API").

// DI tokens and errors.
export { OPTIONS, REGISTRY, COMPONENTS, RNG, LEDGER } from './tokens';
export {
  PrunebenchError,
  UsageError,
  ConfigError,
  ConfigErrors,
  PluginNotFoundError,
  InvalidPluginError,
  PluginApiVersionError,
  DuplicateComponentError,
  UnknownComponentError,
  OptionsError,
  BackendError,
  DatasetError,
  UnsupportedLayerError,
  PruneCheckError,
} from './errors';
export { CORE_VERSION } from './version';

// The component interfaces.
export { COMPONENT_KINDS, type ComponentKind, type ComponentClass, type JsonSchema } from './interfaces/component';
export type { Schedule, ScheduleClass, OriginalRecipe, Budget, StepHyperparameters } from './interfaces/schedule';
export type { ModelFactory, ModelClass, ModelSpec } from './interfaces/model';
export { batchesPerEpoch, type Dataset, type DatasetClass, type DatasetInfo, type Batch, type BatchOptions, type SplitName } from './interfaces/dataset';
export type { Ledger, LedgerEntries } from './interfaces/ledger';
export type {
  Pruner,
  PrunerClass,
  PrunerRequirements,
  PruneContext,
  PruneResult,
  WeightMasks,
  GroupPruning,
  Plan,
  PlanClass,
  PlanInput,
} from './interfaces/pruner';
export type { Criterion, CriterionClass, CriterionContext, CriterionRequirements } from './interfaces/criterion';
export type { Regularizer, RegularizerClass, RegularizerContext } from './interfaces/regularizer';
export type { WeightScore, WeightScoreClass, WeightScoreContext } from './interfaces/weight-score';
export { CALIBRATION_OPTIONS, type CalibrationOptions, type PruneHelpers, type ActivationTap, type TapPoint, type ForwardOptions, type GradientOptions, type ActivationGradients } from './interfaces/prune-helpers';

// Pruning: the context (with its helpers) and the one score check.
export { createPruneContext } from './prune/context';
export { checkScores, InvalidScoresError } from './prune/scores';
export { applyWeightMasks, maskWeights, type MaskedWeights } from './prune/weight-masks';
// Helpers for methods that rank or train: what the built-in pruners use, for a plugin's own.
export { cloneModel } from './prune/clone-model';
export { topScoring } from './prune/ranking';
export { prunedGroups, pruneResultFromScores } from './prune/from-scores';
export { trainWithSgd, sgdSettingsSchema, type SgdSettings, type TrainingHooks } from './training/train-with-sgd';

// Plugins: definition, registry, loading, making components.
export { PLUGIN_API_VERSION, definePlugin, type PrunebenchPlugin } from './plugin/plugin';
export { Registry, type PluginSource, type RegisteredComponent, type RegisteredPlugin } from './plugin/registry';
export { normalizePluginName } from './plugin/names';
export { loadPluginByName, loadPlugins, type PluginReference, type LoadedPlugin } from './plugin/loader';
export { createComponent, type ComponentFactory, type ComponentEntryRef } from './plugin/create';
export { setupPlugins, type Setup } from './plugin/setup';
export { pluginContainer, runScope } from './plugin/containers';

// The backend-provider contract (the harness lists the providers).
export type { BackendProvider, LoadedBackend } from './backend/provider';

// A config's types (checking one against the registry: @prunebench/core/config).
export { defineConfig, type PrunebenchConfig, type LoadedConfig, type ComponentEntry, type IterativePruning } from './config/types';
export { splitComponentRef } from './config/validate';

// The one Ledger implementation: the harness charges it during a run; plugin tests hand one to a pruner.
export { RunLedger, emptyLedgerEntries } from './ledger/run-ledger';

// The channel dependency graph, its layer rules, and cost counting.
export type {
  ChannelGraph,
  ChannelLayout,
  ChannelSegment,
  KeptChannels,
  ConvInfo,
  GroupMember,
  GroupMemberRole,
  LayerChannels,
  PruningGroup,
  ResidualRole,
} from './graph/types';
export { buildChannelGraph } from './graph/build-graph';
export { applyKeptChannels } from './graph/apply-kept-channels';
export {
  registerLayerRule,
  layerRuleFor,
  opaqueLayerRule,
  passthroughLayerRule,
  UnknownLayerError,
  type LayerRule,
  type LayerTrace,
  type WeightAxes,
} from './graph/layer-rules';
export { zeroDroppedChannels } from './graph/zero-dropped-channels';
export { findUnsupportedLayers, type UnsupportedLayer } from './graph/unsupported-layers';
export { countCost, type CostOptions, type LayerCost, type ModelCost } from './cost/count-cost';

// Schedule helpers, seeded randomness, name suggestions.
export * from './schedule';
export { Rng, deriveSeed } from './util/rng';
export { closestName, didYouMean } from './util/did-you-mean';

// Deprecated names, removed at plugin API 3 (nothing in this repository uses them).
export { applyChannelSelection, type ChannelSelection, type OriginalSchedule } from './compat';
