import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Batch, Dataset, DatasetInfo, SplitName, Ledger } from '@prunebench/core';
import { foldBatchNorm, type FoldedModel } from './fold-batch-norm';
import { countTopK, crossEntropyPerExample, outputsProbabilities } from './loss';
import { progressed } from '../util/heartbeat';

export interface Evaluation {
  /** Mean cross-entropy over the split. */
  loss: number;
  /** Fraction of examples whose label is the top prediction. */
  top1: number;
  /** Fraction whose label is among the 5 top predictions; only when there are more than 5 classes. */
  top5?: number;
  samples: number;
  /** With `predictions: true`: each example's top-1 class and its label, in the split's order. */
  predictions?: SplitPredictions;
}

/** Per-example top-1 predictions of one split and the labels, in the split's order. */
export interface SplitPredictions {
  predicted: Uint16Array;
  label: Uint16Array;
}

export interface EvaluateOptions {
  /** Whether the model outputs logits. Default: detected (a final softmax means probabilities). */
  fromLogits?: boolean;
  /** Charged with the wall time of `phase` (evaluation is not a training cost). */
  ledger?: Ledger;
  /** Ledger phase name. Default `evaluate`. */
  phase?: string;
  signal?: AbortSignal;
  /**
   * Run a copy with every BatchNorm folded into its preceding conv/dense (see foldBatchNorm):
   * the same outputs to float32 rounding, one kernel fewer per BN layer. Default true.
   */
  foldBatchNorm?: boolean;
  /** Keep each example's top-1 class and label (paired tests on the same test set; study/predictions.ts). */
  predictions?: boolean;
}

/** The folded copy, or the model itself when folding is off or its config does not round-trip. */
function inferenceModel(model: LayersModel, fold: boolean): FoldedModel {
  if (fold) {
    try {
      return foldBatchNorm(model);
    } catch {
      // Folding is only a speed-up: a model whose config cannot be rebuilt is evaluated as it is.
    }
  }
  return { model, folded: [], dispose: () => undefined };
}

/**
 * Loss, top-1 and (more than 5 classes) top-5 accuracy of `model` on a split, in inference
 * mode (BatchNorm uses its moving statistics, folded into the preceding conv by default), over
 * every example (no batch dropped).
 * `source` is a dataset (its `split` is read in order, unaugmented) or batches to consume.
 */
export async function evaluate(
  model: LayersModel,
  source: Dataset | AsyncIterable<Batch>,
  split: SplitName,
  batchSize: number,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const fromLogits = options.fromLogits ?? !outputsProbabilities(model);
  const batches =
    'batches' in source
      ? source.batches(split, { batchSize, seed: 0, epoch: 0, shuffle: false, augment: false, dropRemainder: false })
      : source;
  const run = async (): Promise<Evaluation> => {
    const inference = inferenceModel(model, options.foldBatchNorm ?? true);
    try {
      return await evaluateModel(inference.model);
    } finally {
      inference.dispose();
    }
  };
  const evaluateModel = async (model: LayersModel): Promise<Evaluation> => {
    let samples = 0;
    let lossSum = 0;
    let top1 = 0;
    let top5 = 0;
    let classes = 0;
    const predicted: number[] = [];
    const labels: number[] = [];
    for await (const batch of batches) {
      try {
        if (options.signal?.aborted) throw new Error('evaluation aborted');
        const [sums, pair] = tf.tidy(() => {
          const outputs = model.apply(batch.x, { training: false }) as tf.Tensor;
          classes = outputs.shape[outputs.shape.length - 1];
          const parts = [tf.sum(crossEntropyPerExample(batch.y, outputs, fromLogits)), countTopK(batch.y, outputs, 1)];
          if (classes > 5) parts.push(countTopK(batch.y, outputs, 5));
          // Top-1 class and label of each example, for the paired tests (study/predictions.ts).
          const kept = options.predictions ? [tf.stack([tf.argMax(outputs, -1), tf.argMax(batch.y, -1)])] : [];
          return [tf.stack(parts), ...kept];
        });
        const values = await sums.data();
        sums.dispose();
        if (pair) {
          const flat = await pair.data();
          pair.dispose();
          const n = flat.length / 2;
          for (let i = 0; i < n; i++) {
            predicted.push(flat[i]);
            labels.push(flat[n + i]);
          }
        }
        progressed();
        samples += batch.x.shape[0];
        lossSum += values[0];
        top1 += values[1];
        if (classes > 5) top5 += values[2];
      } finally {
        tf.dispose([batch.x, batch.y]);
      }
    }
    if (samples === 0) throw new Error(`evaluation on the "${split}" split saw no examples`);
    const result: Evaluation = { loss: lossSum / samples, top1: top1 / samples, samples };
    if (classes > 5) result.top5 = top5 / samples;
    if (options.predictions) result.predictions = { predicted: Uint16Array.from(predicted), label: Uint16Array.from(labels) };
    return result;
  };
  return options.ledger ? options.ledger.time(options.phase ?? 'evaluate', run) : run();
}

/** Examples per forward pass when a whole split is evaluated. */
export const EVAL_BATCH = 256;

/** Test-split metrics, and validation's when the dataset holds one out. */
export interface SplitMetrics {
  test: Evaluation;
  validation?: Evaluation;
}

/** Evaluates the test split, and the validation split when the dataset has one (`info.sizes.validation`). */
export async function evaluateSplits(model: LayersModel, dataset: Dataset, info: DatasetInfo, options: EvaluateOptions = {}): Promise<SplitMetrics> {
  const test = await evaluate(model, dataset, 'test', EVAL_BATCH, options);
  const validation = info.sizes.validation > 0 ? await evaluate(model, dataset, 'validation', EVAL_BATCH, options) : undefined;
  return validation ? { test, validation } : { test };
}
