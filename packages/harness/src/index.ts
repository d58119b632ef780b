// @prunebench/harness: what runs a study. The trainer, backend selection, config loading, the
// fair-budget study (jobs, results, audit, reports) and the training benchmark. Plugins never
// import it: their contract is @prunebench/core.
import 'reflect-metadata';

export { loadConfig, type LoadConfigOptions } from './config/load';
export { studyConfigSchema, type StudyConfig } from './config/study-schema';

export {
  selectBackend,
  describeSelection,
  describeChoice,
  silenceCpuBackendBanner,
  CPU_TRAINING_WARNING,
  onBackendSelected,
  AUTO_ORDER,
  BACKEND_NAMES,
  type BackendName,
  type ConcreteBackendName,
  type BackendSelection,
  type BackendAttempt,
} from './backend/select';
export { BACKEND_PROVIDERS, backendProvider } from './backend/providers';

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
export { evaluate, type Evaluation, type EvaluateOptions, type SplitMetrics } from './training/evaluate';
export { foldBatchNorm, type FoldedModel } from './training/fold-batch-norm';
export { saveCheckpoint, loadCheckpoint, hasCheckpoint, type CheckpointContents, type LoadedCheckpoint } from './training/checkpoint';
export { fileSystemIO } from './training/fs-io';
export { readModelArtifacts, modelFromArtifacts, modelArtifacts, writeModelFiles, loadModelFile, looksLikeModelFile, type WeightFiles } from './training/model-files';
export type { DatasetEntry } from './data/open-dataset';

// Pruning one model for deployment (`prunebench prune`): load, prune, check, fine-tune, measure, save.
export { pruneModel, defaultPrunedDir, type PruneModelOptions } from './prune/prune-model';
export { percentFewer, type PruningReport, type LayerLeftWhole } from './prune/pruning-report';
export { makePruner, type PruneKeys } from './prune/make-pruner';
export { nothingPrunedMessage } from './prune/nothing-pruned';
export type { OutputCheck } from './prune/output-check';
export type { LatencyComparison, LatencyFigure, LatencyOptions } from './prune/latency';
export type { FinetuneOutcome } from './prune/finetune';
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
export { referenceCnn, miniResNet20, miniCifarResNet } from './benchmark/reference-models';
export { forwardMacsPerExample, trainingFlopsPerExample } from './benchmark/flops';

export * from './plot';

// The fair-budget study (harness, results, reports).
export { defineStudy, studyFromConfig, componentLabel, configName, defaultOut, RECIPE_DEFAULTS, withPathsFrom, type StudyDefinition, type BudgetAccounting, type TrainingRecipe, type StudyOverrides, type PluginLoad } from './study/definition';
export { expandStudy, describeJob, type Job } from './study/jobs';
export { JOB_KINDS, registerJobKind, jobKinds } from './study/kinds';
export type { JobKind, JobBase, JobOutcome, RecordLabels, KindReportInput } from './study/kinds/job-kind';
export { openStudy, openStudyFromDefinition, unloadablePlugins, loadBuiltinPlugins, type StudySource, type StudyEnvironment } from './study/environment';
export { STOP_GRACE_SECONDS } from './study/stop-bound';
export { runStudy, RunsFailedError, type StudyOutcome } from './study/run-study';
export { writeReport, type ReportFiles } from './study/report';
export { lockStudyFolder, StudyLockedError, StudyLockLostError, LOCK_NAME, LOCK_OWNER_NAME, type StudyLock, type LockOwner } from './study/lock';
export { preflightStudy } from './study/preflight';
export { auditBudgets, UnequalBudgetError } from './study/audit';
export { summarize, summaryCsv, type Summary, type SummaryRow } from './study/summary';
export { ResultStore } from './study/store';
export type { RunRecord, Metrics, CostFigures } from './study/record';
export { createProgressPrinter, type StudyEvent, type ProgressSink } from './study/progress';
export { planStudy, estimateWallSeconds, type StudyPlan, type PlannedRun } from './study/plan';
export { plural } from './util/plural';
export { formatDuration, type Speed, type StudyShape } from './study/cost-model';
export { workerScript } from './study/runners';
export { saveMasks, parseMasks, loadMasks } from './study/masks';
export { cleanStudyFolder, readStudyFile, studyRuns, type StudyFile, type StudyRuns } from './study/study-folder';
export { StudyFileDamagedError, studyFileFor } from './study/study-file-check';
export { sealRecord } from './study/record-seal';
export { studyIdentity, backendIdentity, backendMismatch, codeIdentity, describeIdentity } from './study/identity';
export type { StudyIdentity, CodeIdentity, BackendIdentity } from './study/study-identity';
export { seedFor, type SeedRole } from './study/seed-streams';
export { batching, expectedSamples, type Batching } from './study/budget';
export { fileDigest, dirDigest } from './util/digest';
export { writeFileAtomic, writeJsonAtomic, writeDirAtomic, DiskWriteError } from './util/atomic';
// The study's design: baselines, iterative pruning, statistics and the generated report.
export { BASELINE_NAMES, type BaselineName, type ScratchVariant, randomCounterpart, scratchEpochs } from './study/baselines';
export { type IterativeSpec, type IterativeRecord, type PrunerEntry, stepTargets, stepSparsity, extractIterative } from './study/iterative';
export { curveDigest } from './study/curve-digest';
export { compressionRecord, describeCompression, type CompressionRecord, type CompressionTargetSpec } from './study/compression';
export { summarizeSample, pairedDifference, binomialStdError, studentTQuantile, studentTCdf, type SampleSummary, type PairedDifference } from './study/statistics';
export { latexDocument, latexTables } from './report/latex';
export { startLiveServer, type LiveServer, type ServeOptions, type ServeSnapshot } from './serve/server';
export { compareStudies, comparisonMarkdown, comparisonHtml, comparisonCsv, type StudyComparison, type SharedCell, type CellDifference } from './report/compare';
export { analyzeStudy, type Analysis, type Cell, type Comparison } from './report/analysis';
export { runsCsv, RUNS_CSV_COLUMNS } from './report/runs-csv';
export { definitionHash, stableStringify } from './util/hash';

// Studies across machines: a BullMQ queue on Redis (coordinator, workers, status).
export { parseQueueUrl, redactRedisUrl, queueUrlFrom, REDIS_URL_ENV, type QueueConnection } from './queue/connection';
export { runStudyOnQueue, DetachedError, type QueueRunOptions } from './queue/coordinator';
export { startQueueWorker, type QueueWorkerOptions, type QueueWorkerHandle } from './queue/queue-worker';
export { queueStatus, type StudyQueueStatus } from './queue/status';
export { QUEUE_NAME, studyKey, queueJobId, queueEntry, type QueuedJobData, type StudyTag } from './queue/queued-job';
export { checkReferenceDesign, REFERENCE_DESIGN, type ReferenceDesignOptions, type PropertyCheck, type DesignProperty, type HistoryReader } from './report/reference-design';
export { referenceReadme, type ReferenceReadmeOptions } from './report/reference-readme';
export { readPredictions } from './study/predictions';
