import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { DependencyContainer } from 'tsyringe';
import type { BackendSelection } from '../backend/select';
import { type ComponentRef, type Dataset, type DatasetInfo, type ModelFactory, type Pruner, type WeightMasks, type Schedule, type StepHyperparameters, createComponent, createPruneContext, type Registry, expandPerEpoch, originalLrAt, RunLedger, CORE_VERSION, countCost, runScope } from '@prunebench/core';
import { definitionHash } from '../util/hash';
import type { StudyDefinition } from './definition';
import type { Job, OriginalJob, PruneJob, RetrainJob } from './jobs';
import { describeJob } from './jobs';
import type { ProgressSink } from './progress';
import type { CostFigures, Metrics, RunRecord } from './record';
import { labels } from './scheduler';
import type { ResultStore } from './store';
import { DEFAULT_DIVERGENCE, train, type TrainResult } from '../training/train';
import { evaluate, type Evaluation } from '../training/evaluate';
import { loadCheckpoint, saveCheckpoint } from '../training/checkpoint';
import { loadMasks, saveMasks } from './masks';
import { assertRunIntact } from './verify';
import { batching as cutEpochs, compressSchedule, expectedSamples, type Batching } from './budget';
import { describeIdentity } from './identity';
import { MeteredDataset } from './metering/metered-dataset';
import { costMismatches, measure, type MeasuredCost } from './metering/measured-cost';
import { compressionRecord } from './compression';
import { seedFor } from './seed-streams';
import { curveDigest } from './curve-digest';
import { pruneIteratively, rewindCheckpointName, selectionEntries, type IterativeRecord } from './iterative';
import { runScratch } from './scratch';

export interface ExecutionContext {
  study: StudyDefinition;
  container: DependencyContainer;
  registry: Registry;
  selection: BackendSelection;
  store: ResultStore;
  onEvent: ProgressSink;
}

/** Datasets are loaded once per thread and shared by its jobs (they are read-only). */
const datasets = new Map<string, Promise<{ dataset: Dataset; info: DatasetInfo }>>();

export function openDataset(ctx: ExecutionContext): Promise<{ dataset: Dataset; info: DatasetInfo }> {
  const key = definitionHash(ctx.study.dataset);
  let entry = datasets.get(key);
  if (!entry) {
    entry = (async () => {
      const dataset = make<Dataset>(ctx, 'dataset', ctx.study.dataset);
      return { dataset, info: await dataset.load() };
    })();
    datasets.set(key, entry);
    entry.catch(() => datasets.delete(key));
  }
  return entry;
}

export function make<T>(ctx: ExecutionContext, kind: 'dataset' | 'model' | 'pruner' | 'schedule', ref: ComponentRef, run?: { seed: number; ledger: RunLedger }): T {
  // A job's components get the run's own RNG and LEDGER (core's runScope).
  return createComponent<T>(run ? runScope(ctx.container, run) : ctx.container, ctx.registry, kind, ref.id, ref.options);
}

/** How every epoch of the study is cut into batches (S fixed by the train split, batch size and dropLast). */
function studyBatching(ctx: ExecutionContext, info: DatasetInfo): Batching {
  return cutEpochs(info.sizes.train, ctx.study.original.batchSize, ctx.study.original.dropLast);
}

/** The components whose plugin's code is part of a job's identity. */
function identityParts(job: Job, study: StudyDefinition) {
  const parts: { kind: 'dataset' | 'model' | 'pruner' | 'schedule'; id: string }[] = [
    { kind: 'dataset', id: study.dataset.id },
    { kind: 'model', id: study.model.id },
  ];
  if (job.kind !== 'original') parts.push({ kind: 'pruner', id: job.pruner.id });
  if (job.kind === 'retrain') parts.push({ kind: 'schedule', id: job.schedule.id });
  return parts;
}

/** Steps per epoch of the study (S): fixed by the train split, the batch size and dropLast. */
export function stepsPerEpoch(ctx: ExecutionContext, info: DatasetInfo): number {
  const steps = studyBatching(ctx, info).stepsPerEpoch;
  if (steps < 1) {
    throw new Error(`the train split (${info.sizes.train} examples) is smaller than one batch (${ctx.study.original.batchSize})`);
  }
  return steps;
}

/** Runs one job of a study and returns its record (the caller writes it). */
export async function executeJob(job: Job, ctx: ExecutionContext): Promise<RunRecord> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const label = describeJob(job);
  ctx.onEvent({ type: 'job-start', jobId: job.id, label });
  const base = {
    id: job.id,
    kind: job.kind,
    seed: job.seed,
    ...labels(job),
    definition: job.definition,
    configFile: ctx.study.configFile,
    versions: { prunebench: CORE_VERSION, tfjs: tf.version_core, backend: ctx.selection.name },
    ...(job.kind !== 'original' ? { pruneSeed: job.pruneSeed } : {}),
    ...(ctx.study.environment ? { identity: describeIdentity(ctx.study.environment, identityParts(job, ctx.study)) } : {}),
    startedAt,
  };
  let result: Omit<RunRecord, keyof typeof base | 'finishedAt'>;
  try {
    switch (job.kind) {
      case 'original':
        result = await runOriginal(job, ctx);
        break;
      case 'prune':
        result = await runPrune(job, ctx);
        break;
      case 'retrain':
        result = await runRetrain(job, ctx);
        break;
      case 'scratch':
        result = await runScratch(job, ctx);
        break;
    }
  } catch (error) {
    result = { status: 'failed', error: (error as Error)?.stack ?? String(error) };
  }
  const record: RunRecord = { ...base, ...result, finishedAt: new Date().toISOString() };
  ctx.onEvent({
    type: 'job-end',
    jobId: job.id,
    label,
    status: record.status,
    summary: summarizeRecord(record),
    seconds: (performance.now() - started) / 1000,
  });
  return record;
}

function summarizeRecord(record: RunRecord): string {
  if (record.status === 'failed') return (record.error ?? '').split('\n')[0];
  const parts: string[] = [];
  const top1 = record.metrics?.test?.top1;
  if (top1 !== undefined) parts.push(`test top-1 ${(100 * top1).toFixed(2)}%`);
  if (record.kind === 'prune' && record.cost) {
    const { before, after } = record.cost;
    parts.push(`params −${((100 * (before.params - (after.nonZeroParams ?? after.params))) / before.params).toFixed(1)}%`);
    parts.push(`FLOPs −${((100 * (before.flops - after.flops)) / before.flops).toFixed(1)}%`);
  }
  if (record.status === 'diverged') parts.unshift(record.error ?? 'diverged');
  return parts.join(', ');
}

/** Step progress as study events, at most one a second (they may cross a thread boundary). */
function progressSink(ctx: ExecutionContext, jobId: string, totalSteps: number) {
  let last = 0;
  return (p: { step: number; epoch: number; imagesPerSecond: number; loss: number }) => {
    const now = performance.now();
    if (now - last < 1000 && p.step + 1 < totalSteps) return;
    last = now;
    ctx.onEvent({ type: 'job-progress', jobId, step: p.step + 1, totalSteps, epoch: p.epoch, imagesPerSecond: p.imagesPerSecond, loss: p.loss });
  };
}

export const EVAL_BATCH = 256;

export function metrics(evaluation: Evaluation): Metrics {
  return evaluation.top5 === undefined
    ? { loss: evaluation.loss, top1: evaluation.top1, examples: evaluation.samples }
    : { loss: evaluation.loss, top1: evaluation.top1, top5: evaluation.top5, examples: evaluation.samples };
}

export function cost(model: LayersModel, masks?: WeightMasks): CostFigures {
  const { params, flops, nonZeroParams } = countCost(model, { masks });
  return masks ? { params, flops, nonZeroParams } : { params, flops };
}

export async function trainAndEvaluate(
  ctx: ExecutionContext,
  job: Job,
  model: LayersModel,
  steps: StepHyperparameters[],
  masks: WeightMasks | undefined,
  ledger: RunLedger,
  dataSeed: number,
  onEpoch?: (record: TrainResult['history'][number]) => void,
): Promise<{ result: TrainResult; test?: Metrics; validation?: Metrics; measured: MeasuredCost }> {
  const { dataset, info } = await openDataset(ctx);
  const recipe = ctx.study.original;
  const { result, compute, optimizerSteps } = await measure(() =>
    train(model, {
      data: { dataset, dropRemainder: recipe.dropLast },
      batchSize: recipe.batchSize,
      hyperparameters: steps,
      stepsPerEpoch: studyBatching(ctx, info).stepsPerEpoch,
      weightDecay: recipe.weightDecay,
      nesterov: recipe.nesterov,
      divergence: recipe.divergence ?? DEFAULT_DIVERGENCE,
      masks,
      seed: dataSeed,
      ledger,
      onStep: progressSink(ctx, job.id, steps.length),
      onEpoch,
    }),
  );
  // The trainer's own steps are not a tfjs optimizer's: its ledger counts them.
  const measured: MeasuredCost = { examplesServed: result.samples, macs: compute.macs, byKernel: compute.byKernel, optimizerSteps: optimizerSteps + result.steps };
  if (result.status !== 'completed') return { result, measured };
  const test = metrics(await evaluate(model, dataset, 'test', EVAL_BATCH, { ledger }));
  const validation = info.sizes.validation > 0 ? metrics(await evaluate(model, dataset, 'validation', EVAL_BATCH, { ledger })) : undefined;
  return { result, test, validation, measured };
}

async function runOriginal(job: OriginalJob, ctx: ExecutionContext) {
  const { dataset, info } = await openDataset(ctx);
  const ledger = new RunLedger();
  const recipe = ctx.study.original;
  const model = recipe.checkpoint
    ? (await loadCheckpoint(recipe.checkpoint)).model
    : make<ModelFactory>(ctx, 'model', ctx.study.model, { seed: job.seed, ledger }).build({ inputShape: info.inputShape, numClasses: info.numClasses, seed: seedFor('original-init', job.seed) });
  try {
    if (recipe.checkpoint) {
      // A user's own trained model: evaluate it and keep a copy beside the runs.
      const test = metrics(await evaluate(model, dataset, 'test', EVAL_BATCH, { ledger }));
      await saveCheckpoint(ctx.store.modelDir(job.id), { model });
      const figures = cost(model);
      return { status: 'finished' as const, ledger: ledger.toJSON(), metrics: { test }, cost: { before: figures, after: figures }, latency: measureLatency(model, info) };
    }
    const batching = studyBatching(ctx, info);
    const steps = expandPerEpoch({ epochs: recipe.epochs, stepsPerEpoch: batching.stepsPerEpoch }, (epoch) => ({
      lr: originalLrAt(recipe, epoch),
      momentum: recipe.momentum,
    }));
    // Weight rewinding: the weights after epoch k (k = 0: the initialisation) are kept.
    const rewindAt = (job.definition.rewindEpochs as number[] | undefined) ?? [];
    const kept = new Map<number, tf.Tensor[]>();
    if (rewindAt.includes(0)) kept.set(0, model.getWeights().map((w) => w.clone()));
    const onEpoch = (e: { epoch: number }) => {
      if (rewindAt.includes(e.epoch + 1)) kept.set(e.epoch + 1, model.getWeights().map((w) => w.clone()));
    };
    try {
      const outcome = await trainAndEvaluate(ctx, job, model, steps, undefined, ledger, seedFor('original-data', job.seed), onEpoch);
      ctx.store.writeFile(job.id, 'history.csv', historyCsv(outcome.result.history));
      const figures = cost(model);
      if (outcome.result.status !== 'completed') {
        return { status: 'diverged' as const, error: outcome.result.message, ledger: ledger.toJSON(), plannedSteps: steps.length };
      }
      await saveCheckpoint(ctx.store.modelDir(job.id), { model });
      const latency = measureLatency(model, info);
      for (const [epoch, weights] of kept) {
        model.setWeights(weights);
        await saveCheckpoint(path.join(ctx.store.runDir(job.id), rewindCheckpointName(epoch)), { model });
      }
      return {
        status: 'finished' as const,
        ledger: ledger.toJSON(),
        plannedSteps: steps.length,
        scheduleDigest: curveDigest(steps),
        metrics: { test: outcome.test, validation: outcome.validation },
        cost: { before: figures, after: figures },
        latency,
        datasetSizes: info.sizes,
      };
    } finally {
      for (const weights of kept.values()) for (const w of weights) w.dispose();
    }
  } finally {
    model.dispose();
  }
}

async function runPrune(job: PruneJob, ctx: ExecutionContext) {
  const { dataset, info } = await openDataset(ctx);
  const ledger = new RunLedger();
  assertRunIntact(ctx.store, job.originalId);
  const { model: original } = await loadCheckpoint(ctx.store.modelDir(job.originalId));
  let pruned: LayersModel | undefined;
  try {
    const before = cost(original);
    const pruner = make<Pruner>(ctx, 'pruner', job.pruner, { seed: seedFor('prune', job.seed, job.pruneSeed), ledger });
    // Data only for pruners that declare they need it (and iterative ones, which retrain), through
    // a view that counts what it serves.
    const view = pruner.requirements.needsData || job.pruner.iterative ? new MeteredDataset(dataset, seedFor('calibration', job.seed, job.pruneSeed)) : undefined;
    const seed = seedFor('prune', job.seed, job.pruneSeed);
    let result!: { model: LayersModel; masks?: WeightMasks; selections: Array<Array<[number, number[]]>> };
    let iterative: IterativeRecord | undefined;
    const metered = await measure(async () => {
      if (job.pruner.iterative) {
        const spec = job.pruner.iterative;
        const rewindTo = spec.rewindEpoch === undefined ? undefined : (await loadCheckpoint(path.join(ctx.store.runDir(job.originalId), rewindCheckpointName(spec.rewindEpoch)))).model;
        try {
          const outcome = await ledger.time('prune', () =>
            pruneIteratively({
              original, spec, pruner, dataset: view!, seed, ledger, rewindTo, curveDigest,
              prunerOptions: job.pruner.options,
              makePruner: (options) => make<Pruner>(ctx, 'pruner', { ...job.pruner, options }, { seed, ledger }),
              makeSchedule: (ref) => make<Schedule>(ctx, 'schedule', ref),
              recipe: ctx.study.original,
              stepsPerEpoch: stepsPerEpoch(ctx, info),
            }),
          );
          result = outcome;
          iterative = outcome.record;
        } finally {
          rewindTo?.dispose();
        }
      } else {
        const once = await ledger.time('prune', () => pruner.prune(original, createPruneContext({ dataset: view, seed, ledger })));
        result = { ...once, selections: once.keptChannels ? [selectionEntries(once.keptChannels)] : [] };
      }
    });
    const { compute, optimizerSteps } = metered;
    const measured: MeasuredCost = {
      examplesServed: view?.examples ?? 0,
      ...(view ? { served: view.served } : {}),
      macs: compute.macs,
      byKernel: compute.byKernel,
      optimizerSteps: optimizerSteps + (iterative?.optimizerSteps ?? 0),
    };
    pruned = result.model;
    const after = cost(pruned, result.masks);
    const test = metrics(await evaluate(pruned, dataset, 'test', EVAL_BATCH, { ledger }));
    await saveCheckpoint(ctx.store.modelDir(job.id), { model: pruned });
    if (result.masks) ctx.store.writeFile(job.id, 'masks.bin', saveMasks(result.masks));
    const mismatch = costMismatches(ledger.toJSON(), measured);
    // The channels kept at each step: a scratch baseline rebuilds the architecture from them.
    ctx.store.writeFile(job.id, 'selections.json', JSON.stringify(result.selections));
    return {
      status: 'finished' as const,
      ...(iterative ? { iterative } : {}),
      ledger: ledger.toJSON(),
      measured,
      ...(mismatch.length ? { costMismatch: mismatch } : {}),
      metrics: { test },
      cost: { before, after },
      compression: compressionRecord(job.pruner.options, { params: before.params, macs: before.flops }, { params: after.nonZeroParams ?? after.params, macs: after.flops }),
      latency: measureLatency(pruned, info),
    };
  } finally {
    if (pruned && pruned !== original) pruned.dispose();
    original.dispose();
  }
}

async function runRetrain(job: RetrainJob, ctx: ExecutionContext) {
  const { info } = await openDataset(ctx);
  const ledger = new RunLedger();
  assertRunIntact(ctx.store, job.pruneId);
  const pruneRecord = ctx.store.read(job.pruneId);
  const { model } = await loadCheckpoint(ctx.store.modelDir(job.pruneId));
  try {
    const masks = loadMasks(ctx.store.runDir(job.pruneId));
    const schedule = make<Schedule>(ctx, 'schedule', job.schedule, { seed: job.seed, ledger });
    const batching = studyBatching(ctx, info);
    const budget = { epochs: job.budget, stepsPerEpoch: batching.stepsPerEpoch };
    const full = schedule.compute(ctx.study.original, budget);
    // Budget accounting `total`: the optimizer steps the pruner took itself (as measured) come
    // out of its retraining budget, the schedule squeezed into the steps left.
    const mode = ctx.study.budgetAccounting;
    const deductedSteps = mode === 'total' ? Math.min(full.length, pruneRecord?.measured?.optimizerSteps ?? 0) : 0;
    const steps = compressSchedule(full, full.length - deductedSteps);
    const accounting = { mode, epochs: job.budget, deductedSteps, expectedSteps: steps.length, expectedSamples: expectedSamples(steps.length, batching) };
    const outcome = await trainAndEvaluate(ctx, job, model, steps, masks, ledger, seedFor('retrain-data', job.seed));
    const trained = trainedRun(ctx, job, steps, budget.stepsPerEpoch, outcome, ledger);
    return {
      ...trained,
      batching,
      budgetAccounting: accounting,
      measured: outcome.measured,
      // Retraining keeps the pruned shape; masked weights stay zero, so the cost is the prune's.
      cost: pruneRecord?.cost,
      latency: trained.status === 'finished' ? measureLatency(model, info) : undefined,
    };
  } finally {
    model.dispose();
  }
}

/**
 * What every run that trains a pruned model for a whole schedule records (retraining, scratch
 * baselines), and the files beside it: its history and its LR curve as run.
 */
export function trainedRun(
  ctx: ExecutionContext,
  job: Job,
  steps: StepHyperparameters[],
  stepsPerEpoch: number,
  outcome: { result: TrainResult; test?: Metrics; validation?: Metrics },
  ledger: RunLedger,
) {
  ctx.store.writeFile(job.id, 'history.csv', historyCsv(outcome.result.history));
  ctx.store.writeFile(job.id, 'schedule.json', JSON.stringify(sampleSchedule(steps, stepsPerEpoch)));
  const completed = outcome.result.status === 'completed';
  return {
    status: completed ? ('finished' as const) : ('diverged' as const),
    error: completed ? undefined : outcome.result.message,
    ledger: ledger.toJSON(),
    plannedSteps: steps.length,
    scheduleDigest: curveDigest(steps),
    metrics: completed ? { test: outcome.test, validation: outcome.validation } : undefined,
  };
}

/** The LR (and momentum) per epoch start, for the report's LR figure. */
export function sampleSchedule(steps: StepHyperparameters[], stepsPerEpoch: number) {
  const every = Math.max(1, Math.floor(steps.length / 400));
  return steps.flatMap((s, i) => (i % every === 0 || i === steps.length - 1 ? [{ epoch: i / stepsPerEpoch, lr: s.lr, momentum: s.momentum }] : []));
}

export function historyCsv(history: TrainResult['history']): string {
  const keys = Object.keys(history[0] ?? { epoch: 0 });
  return [keys.join(','), ...history.map((row) => keys.map((k) => String((row as unknown as Record<string, unknown>)[k] ?? '')).join(','))].join('\n') + '\n';
}

/** Median wall time of a forward pass at batch 1 and at 64, after a warm-up. */
export function measureLatency(model: LayersModel, info: DatasetInfo): RunRecord['latency'] {
  return [1, 64].map((batchSize) => {
    const x = tf.zeros([batchSize, ...info.inputShape]);
    const times: number[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        const start = performance.now();
        const y = model.predict(x) as tf.Tensor;
        y.dataSync();
        y.dispose();
        if (i > 0) times.push(performance.now() - start);
      }
    } finally {
      x.dispose();
    }
    times.sort((a, b) => a - b);
    return { batchSize, msPerBatch: times[Math.floor(times.length / 2)] };
  });
}
