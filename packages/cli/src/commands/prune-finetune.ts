import type { LayersModel } from '@tensorflow/tfjs-layers';
import { batchesPerEpoch, UsageError, type Dataset, type DatasetInfo, type RunLedger, type Schedule, type WeightMasks } from '@prunebench/core';
import { evaluate, train, type Evaluation, type TrainingRecipe, type ProgressSink } from '@prunebench/harness';

const EVAL_BATCH = 256;

/** Test-split accuracy and loss (validation too when the dataset holds one out). */
export interface SplitMetrics {
  test: Evaluation;
  validation?: Evaluation;
}

export interface FinetuneOutcome {
  status: 'completed' | 'diverged' | 'aborted';
  message: string;
  steps: number;
  samples: number;
  stepsPerEpoch: number;
  /** The pruned model before retraining, and after. */
  before: SplitMetrics;
  after?: SplitMetrics;
  /** Mean training loss and accuracy per epoch. */
  history: Array<{ epoch: number; loss: number; accuracy: number; lr: number }>;
}

export async function evaluateSplits(model: LayersModel, dataset: Dataset, info: DatasetInfo, ledger: RunLedger): Promise<SplitMetrics> {
  const test = await evaluate(model, dataset, 'test', EVAL_BATCH, { ledger });
  const validation = info.sizes.validation > 0 ? await evaluate(model, dataset, 'validation', EVAL_BATCH, { ledger }) : undefined;
  return validation ? { test, validation } : { test };
}

/**
 * Retrains a pruned model in place as a study's retraining run does: the harness trainer, the
 * original recipe's batch size, momentum and weight decay, the schedule's LR for every step of
 * `epochs` full-batch epochs, masks kept applied, everything charged to `ledger`.
 */
export async function finetune(
  model: LayersModel,
  options: {
    dataset: Dataset;
    info: DatasetInfo;
    recipe: TrainingRecipe;
    schedule: Schedule;
    epochs: number;
    masks?: WeightMasks;
    seed: number;
    ledger: RunLedger;
    label: string;
    onEvent: ProgressSink;
  },
): Promise<FinetuneOutcome> {
  const { dataset, info, recipe, ledger, onEvent, label } = options;
  const stepsPerEpoch = batchesPerEpoch(info.sizes.train, recipe.batchSize, true);
  if (stepsPerEpoch < 1) {
    throw new UsageError(`the train split (${info.sizes.train} examples) is smaller than one batch (${recipe.batchSize}): give a smaller --batch-size`);
  }
  const hyperparameters = options.schedule.compute(recipe, { epochs: options.epochs, stepsPerEpoch });
  onEvent({ type: 'phase', message: `evaluating the pruned model before fine-tuning` });
  const before = await evaluateSplits(model, dataset, info, ledger);
  const jobId = 'finetune';
  onEvent({ type: 'job-start', jobId, label });
  const started = performance.now();
  let last = 0;
  const result = await train(model, {
    data: { dataset },
    batchSize: recipe.batchSize,
    hyperparameters,
    stepsPerEpoch,
    weightDecay: recipe.weightDecay,
    nesterov: recipe.nesterov,
    masks: options.masks,
    seed: options.seed,
    ledger,
    onStep: (p) => {
      const now = performance.now();
      if (now - last < 1000 && p.step + 1 < hyperparameters.length) return;
      last = now;
      onEvent({ type: 'job-progress', jobId, step: p.step + 1, totalSteps: hyperparameters.length, epoch: p.epoch, imagesPerSecond: p.imagesPerSecond, loss: p.loss });
    },
  });
  const after = result.status === 'completed' ? await evaluateSplits(model, dataset, info, ledger) : undefined;
  const summary = after
    ? `test top-1 ${(100 * before.test.top1).toFixed(2)}% → ${(100 * after.test.top1).toFixed(2)}%`
    : result.message;
  onEvent({
    type: 'job-end',
    jobId,
    label,
    status: result.status === 'completed' ? 'finished' : result.status === 'diverged' ? 'diverged' : 'failed',
    summary,
    seconds: (performance.now() - started) / 1000,
  });
  return {
    status: result.status,
    message: result.message,
    steps: result.steps,
    samples: result.samples,
    stepsPerEpoch,
    before,
    after,
    history: result.history.map((h) => ({ epoch: h.epoch, loss: h.loss, accuracy: h.accuracy, lr: h.lr })),
  };
}
