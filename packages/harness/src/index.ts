// @prunebench/harness: what runs a study. The trainer, backend selection, config loading, the
// fair-budget study (jobs, results, audit, reports) and the training benchmark. Plugins never
// import it: their contract is @prunebench/core.
import 'reflect-metadata';

export { loadConfig } from './config/load';

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

// Training: the trainer, SGD, evaluation, checkpoints.
export {
  train,
  trainingStep,
  type TrainOptions,
  type TrainResult,
  type TrainStatus,
  type StepProgress,
  type EpochRecord,
  type StepOutcome,
} from './training/train';
export type { TrainingData } from './training/batches';
export { SgdOptimizer, type SgdOptions, type SgdState, type WeightDecayFilter } from './training/sgd';
export { evaluate, type Evaluation, type EvaluateOptions } from './training/evaluate';
export { saveCheckpoint, loadCheckpoint, hasCheckpoint, type CheckpointContents, type LoadedCheckpoint } from './training/checkpoint';
export { fileSystemIO } from './training/fs-io';
export { crossEntropy, crossEntropyPerExample, outputsProbabilities } from './training/loss';

// The training-throughput benchmark (`prunebench bench`).
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
} from './benchmark/train-step-benchmark';
export { formatTrainingBenchmark } from './benchmark/format';
export { tinybenchMeasurer } from './benchmark/tinybench-measurer';
export { referenceCnn, miniResNet20 } from './benchmark/reference-models';
export { forwardMacsPerExample, trainingFlopsPerExample } from './benchmark/flops';

export * from './plot';

// The fair-budget study (harness, results, reports).
export { defineStudy, studyFromConfig, componentLabel, type StudyDefinition, type OriginalRecipe, type StudyOverrides, type PluginLoad } from './study/definition';
export { expandStudy, describeJob, type Job, type JobKind } from './study/jobs';
export { openStudy, openStudyFromDefinition, unloadablePlugins, loadBuiltinPlugins, type StudySource, type StudyEnvironment } from './study/environment';
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

// Studies across machines: a BullMQ queue on Redis (coordinator, workers, status).
export { parseQueueUrl, redactRedisUrl, queueUrlFrom, REDIS_URL_ENV, type QueueConnection } from './queue/connection';
export { runStudyOnQueue, DetachedError, type QueueRunOptions } from './queue/coordinator';
export { startQueueWorker, type QueueWorkerOptions, type QueueWorkerHandle } from './queue/queue-worker';
export { queueStatus, type StudyQueueStatus } from './queue/status';
export { QUEUE_NAME, studyKey, queueJobId, queueEntry, type QueuedJobData, type StudyTag } from './queue/queued-job';
