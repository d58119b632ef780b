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

export { configSchema, BACKEND_NAMES } from './config/schema';
export { loadConfig, defineConfig, type PrunebenchConfig, type LoadedConfig, type ComponentEntry } from './config/load';
export {
  validateConfigStructure,
  validateOptions,
  resolveComponentRef,
  splitComponentRef,
  type ComponentRef,
} from './config/validate';
export { resolveConfigComponents, type ResolvedComponents } from './config/resolve';

export {
  selectBackend,
  describeSelection,
  onBackendSelected,
  AUTO_ORDER,
  type BackendName,
  type ConcreteBackendName,
  type BackendSelection,
  type BackendAttempt,
} from './backend/select';
export {
  registerAcceleratedWasmKernels,
  unregisterAcceleratedWasmKernels,
  acceleratedWasmKernelsRegistered,
  ACCELERATED_WASM_KERNELS,
  STOCK_WASM_ENV,
} from './backend/wasm/register';

// Training: the trainer, SGD, evaluation, the ledger, checkpoints.
export {
  train,
  type TrainOptions,
  type TrainResult,
  type TrainStatus,
  type StepProgress,
  type EpochRecord,
} from './training/train';
export type { TrainingData } from './training/batches';
export { SgdOptimizer, type SgdOptions, type SgdState, type WeightDecayFilter } from './training/sgd';
export { evaluate, type Evaluation, type EvaluateOptions } from './training/evaluate';
export { foldBatchNorm, type FoldedModel } from './training/fold-batch-norm';
export { RunLedger, emptyLedgerEntries } from './training/ledger';
export { saveCheckpoint, loadCheckpoint, hasCheckpoint, type CheckpointContents, type LoadedCheckpoint } from './training/checkpoint';
export { fileSystemIO } from './training/fs-io';
export { crossEntropy, crossEntropyPerExample, outputsProbabilities } from './training/loss';
export { trainingStep, type StepOutcome } from './training/train';
export {
  runTrainingBenchmark,
  loopMeasurer,
  BENCH_BACKENDS,
  BENCH_MODELS,
  FORWARD_CONV,
  type BenchBackend,
  type BenchModel,
  type Measurer,
  type TrainingBenchmarkOptions,
  type TrainingBenchmarkReport,
  type BackendFigures,
} from './training/benchmark/train-step-benchmark';
export { formatTrainingBenchmark } from './training/benchmark/format';
export { tinybenchMeasurer } from './training/benchmark/tinybench-measurer';
export { referenceCnn, miniResNet20 } from './training/benchmark/reference-models';
export { forwardMacsPerExample, trainingFlopsPerExample } from './training/benchmark/flops';

export { closestName, didYouMean, editDistance } from './util/did-you-mean';

// The channel dependency graph and cost counting (models and pruners build on them).
export * from './graph/types';
export { buildChannelGraph } from './graph/build-graph';
export { applyChannelSelection } from './graph/apply-selection';
export { CHANNEL_ZERO_PAD_CLASS } from './graph/layer-kinds';
export { countCost, type CostOptions, type LayerCost, type ModelCost } from './cost/count-cost';

export * from './schedule';
export * from './plot';
export { Rng, deriveSeed } from './util/rng';

// The fair-budget study (harness, results, reports).
export { defineStudy, studyFromConfig, componentLabel, type StudyDefinition, type OriginalRecipe, type StudyOverrides } from './study/definition';
export { expandStudy, describeJob, type Job, type JobKind } from './study/jobs';
export { openStudy, loadBuiltinPlugins, type StudySource, type StudyEnvironment } from './study/environment';
export { runStudy, RunsFailedError, type StudyOutcome } from './study/run-study';
export { writeReport, type ReportFiles } from './study/report';
export { auditBudgets, UnequalBudgetError } from './study/audit';
export { summarize, summaryMarkdown, summaryCsv, type Summary, type SummaryRow } from './study/summary';
export { ResultStore } from './study/store';
export type { RunRecord, Metrics, CostFigures } from './study/record';
export type { StudyEvent, ProgressSink } from './study/progress';
export { saveMasks, parseMasks, loadMasks } from './study/masks';
export { writeFileAtomic, writeJsonAtomic, writeDirAtomic } from './util/atomic';
export { definitionHash, stableStringify } from './util/hash';
export { meanStd } from './util/stats';
