import type { LayersModel } from '@tensorflow/tfjs-layers';
import { UsageError, batchesPerEpoch, type Dataset, type DatasetInfo, type RunLedger, type Schedule, type WeightMasks } from '@prunebench/core';
import type { TrainingRecipe } from '../study/definition';
import { throttledStepProgress, type ProgressSink } from '../study/progress';
import { evaluateSplits, type SplitMetrics } from '../training/evaluate';
import { DEFAULT_DIVERGENCE, train } from '../training/train';

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

export interface FinetuneOptions {
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
}

/**
 * Retrains a pruned model in place as a study's retraining run does: the harness trainer, the
 * original recipe's batch size, momentum, weight decay, dropLast and divergence check, the
 * schedule's LR for every step of `epochs` epochs, masks kept applied, all charged to `ledger`.
 */
export async function finetune(model: LayersModel, options: FinetuneOptions): Promise<FinetuneOutcome> {
  const { dataset, info, recipe, ledger, onEvent, label } = options;
  const stepsPerEpoch = batchesPerEpoch(info.sizes.train, recipe.batchSize, recipe.dropLast);
  if (stepsPerEpoch < 1) {
    throw new UsageError(`the train split (${info.sizes.train} examples) is smaller than one batch (${recipe.batchSize}): give a smaller batch size`);
  }
  const hyperparameters = options.schedule.compute(recipe, { epochs: options.epochs, stepsPerEpoch });
  onEvent({ type: 'phase', message: 'evaluating the pruned model before fine-tuning' });
  const before = await evaluateSplits(model, dataset, info, { ledger });
  const jobId = 'finetune';
  onEvent({ type: 'job-start', jobId, label });
  const started = performance.now();
  const result = await train(model, {
    data: { dataset, dropRemainder: recipe.dropLast },
    batchSize: recipe.batchSize,
    hyperparameters,
    stepsPerEpoch,
    weightDecay: recipe.weightDecay,
    nesterov: recipe.nesterov,
    divergence: recipe.divergence ?? DEFAULT_DIVERGENCE,
    masks: options.masks,
    seed: options.seed,
    ledger,
    onStep: throttledStepProgress(onEvent, jobId, hyperparameters.length),
  });
  const after = result.status === 'completed' ? await evaluateSplits(model, dataset, info, { ledger }) : undefined;
  onEvent({
    type: 'job-end',
    jobId,
    label,
    status: result.status === 'completed' ? 'finished' : result.status === 'diverged' ? 'diverged' : 'failed',
    summary: after ? `test top-1 ${(100 * before.test.top1).toFixed(2)}% → ${(100 * after.test.top1).toFixed(2)}%` : result.message,
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
