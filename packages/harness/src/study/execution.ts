import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { DependencyContainer } from 'tsyringe';
import type { BackendSelection } from '../backend/select';
import { type Dataset, type DatasetInfo, type WeightMasks, type StepHyperparameters, createComponent, type Registry, type RunLedger, countCost, runScope } from '@prunebench/core';
import type { ComponentRef } from '@prunebench/core/config';
import { definitionHash } from '../util/hash';
import type { StudyDefinition } from './definition';
import { throttledStepProgress, type ProgressSink } from './progress';
import type { CostFigures, Metrics } from './record';
import type { ResultStore } from './store';
import { DEFAULT_DIVERGENCE, train, type TrainResult } from '../training/train';
import { EVAL_BATCH, evaluate, type Evaluation } from '../training/evaluate';
import { evaluateAndKeepPredictions } from './predictions';
import { openDataset as openDatasetComponent } from '../data/open-dataset';
import { runLatency } from '../prune/latency';

export { EVAL_BATCH, runLatency };
import { batching as cutEpochs, type Batching } from './budget';
import { measure, type MeasuredCost } from './metering/measured-cost';
import { curveDigest } from './curve-digest';

/*
 * The shared execution toolkit of job kinds (kinds/*.ts): what every kind's `execute` needs to
 * open the data, make components, train, evaluate and record. Nothing here knows a kind.
 */

/** What a job's `execute` gets: the study, its components, the backend and the results folder. */
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
    entry = openDatasetComponent(ctx, ctx.study.dataset);
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
export function studyBatching(ctx: ExecutionContext, info: DatasetInfo): Batching {
  return cutEpochs(info.sizes.train, ctx.study.original.batchSize, ctx.study.original.dropLast);
}

/** Steps per epoch of the study (S): fixed by the train split, the batch size and dropLast. */
export function stepsPerEpoch(ctx: ExecutionContext, info: DatasetInfo): number {
  const steps = studyBatching(ctx, info).stepsPerEpoch;
  if (steps < 1) {
    throw new Error(`the train split (${info.sizes.train} examples) is smaller than one batch (${ctx.study.original.batchSize})`);
  }
  return steps;
}

export function metrics(evaluation: Evaluation): Metrics {
  return evaluation.top5 === undefined
    ? { loss: evaluation.loss, top1: evaluation.top1, examples: evaluation.samples }
    : { loss: evaluation.loss, top1: evaluation.top1, top5: evaluation.top5, examples: evaluation.samples };
}

export function cost(model: LayersModel, masks?: WeightMasks): CostFigures {
  const { params, macs, nonZeroParams } = countCost(model, { masks });
  return masks ? { params, macs, nonZeroParams } : { params, macs };
}

export async function trainAndEvaluate(
  ctx: ExecutionContext,
  job: { id: string },
  model: LayersModel,
  steps: StepHyperparameters[],
  masks: WeightMasks | undefined,
  ledger: RunLedger,
  dataSeed: number,
  onEpoch?: (record: TrainResult['history'][number]) => void,
  /** Evaluate the validation split after every epoch into the history (when the dataset holds one out). */
  validateEachEpoch = false,
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
      onStep: throttledStepProgress(ctx.onEvent, job.id, steps.length),
      onEpoch,
      // Inference mode as the final evaluation (BN folded), charged as evaluation, on its own unshuffled batches: training is unchanged by it.
      evaluateEpoch:
        validateEachEpoch && info.sizes.validation > 0
          ? async () => {
              const e = await evaluate(model, dataset, 'validation', EVAL_BATCH, { ledger });
              return { validationLoss: e.loss, validationTop1: e.top1 };
            }
          : undefined,
    }),
  );
  // The trainer's own steps are not a tfjs optimizer's: its ledger counts them.
  const measured: MeasuredCost = { examplesServed: result.samples, macs: compute.macs, byKernel: compute.byKernel, optimizerSteps: optimizerSteps + result.steps };
  if (result.status !== 'completed') return { result, measured };
  const splits = await evaluateAndKeepPredictions(ctx.store, job.id, model, dataset, info, ledger);
  return { result, test: metrics(splits.test), validation: splits.validation && metrics(splits.validation), measured };
}

/**
 * What every run that trains a pruned model for a whole schedule records (retraining, scratch
 * baselines), and the files beside it: its history and its LR curve as run.
 */
export function trainedRun(
  ctx: ExecutionContext,
  job: { id: string },
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
