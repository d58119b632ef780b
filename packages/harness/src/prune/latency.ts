import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { quantile } from '../util/stats';
import { randomInputs } from './output-check';

/** Inference latency of one model at one batch size, over repeated timed runs. */
export interface LatencyFigure {
  batchSize: number;
  /** Median wall time of one forward pass (predict + reading the output back), ms. */
  medianMs: number;
  /** First and third quartiles of the runs' times, ms: their difference is the interquartile range. */
  q1Ms: number;
  q3Ms: number;
  /** batchSize / median, images per second. */
  imagesPerSecond: number;
  /** Timed runs the figures are over (after the warm-up runs). */
  runs: number;
}

export interface LatencyComparison {
  backend: string;
  warmupRuns: number;
  original: LatencyFigure[];
  pruned: LatencyFigure[];
  /** Per batch size: original median / pruned median (> 1: the pruned model is faster). */
  speedup: Array<{ batchSize: number; ratio: number }>;
  /**
   * Batch sizes where the pruned model's median is slower than the original's; `beyondSpread`
   * when even its first quartile is above the original's third (not run-to-run noise).
   */
  slower: Array<{ batchSize: number; ratio: number; beyondSpread: boolean }>;
}

export interface LatencyOptions {
  batchSizes: number[];
  /** Timed runs per model and batch size, at most. */
  runs: number;
  warmupRuns: number;
  /** Stop timing a batch size after this long (all models), once 5 runs are in: big models stay quick to prune. */
  budgetMs?: number;
}

/** Runs timed even past the time budget, so quartiles mean something. */
const MIN_RUNS = 5;

async function timeForward(model: LayersModel, inputs: tf.Tensor[]): Promise<number> {
  const start = performance.now();
  const outputs = [model.predict(inputs)].flat() as tf.Tensor[];
  // Reading the result back waits for the backend to finish (async backends queue work).
  await Promise.all(outputs.map((o) => o.data()));
  const ms = performance.now() - start;
  tf.dispose(outputs);
  return ms;
}

function figure(batchSize: number, times: number[]): LatencyFigure {
  const medianMs = quantile(times, 0.5);
  return { batchSize, medianMs, q1Ms: quantile(times, 0.25), q3Ms: quantile(times, 0.75), imagesPerSecond: (1000 * batchSize) / medianMs, runs: times.length };
}

/**
 * Forward-pass latency of each model (same inputs) at each batch size on the current backend.
 * The models are timed alternately, run by run, in rotating order, so machine noise — a
 * neighbour's job, CPU frequency — falls on all alike and their ratios stay meaningful.
 */
export async function measureLatencies(models: LayersModel[], options: LatencyOptions): Promise<LatencyFigure[][]> {
  const figures: LatencyFigure[][] = models.map(() => []);
  for (const batchSize of options.batchSizes) {
    const inputs = randomInputs(models[0], batchSize, 1);
    try {
      for (let i = 0; i < options.warmupRuns; i++) for (const model of models) await timeForward(model, inputs);
      const times: number[][] = models.map(() => []);
      const started = performance.now();
      const budgetMs = options.budgetMs ?? Infinity;
      for (let run = 0; run < options.runs && (run < MIN_RUNS || performance.now() - started < budgetMs); run++) {
        for (let k = 0; k < models.length; k++) {
          const which = (run + k) % models.length;
          times[which].push(await timeForward(models[which], inputs));
        }
      }
      times.forEach((t, i) => figures[i].push(figure(batchSize, t)));
    } finally {
      tf.dispose(inputs);
    }
  }
  return figures;
}

/** Latency of the original and the pruned model, their speed-up, and where the pruned one is slower. */
export async function compareLatency(original: LayersModel, pruned: LayersModel, options: LatencyOptions): Promise<LatencyComparison> {
  const [before, after] = await measureLatencies([original, pruned], options);
  return { backend: tf.getBackend(), warmupRuns: options.warmupRuns, original: before, pruned: after, ...speedups(before, after) };
}

/** Per batch size: original median / pruned median, and the batch sizes where the pruned model is slower. */
export function speedups(before: LatencyFigure[], after: LatencyFigure[]): Pick<LatencyComparison, 'speedup' | 'slower'> {
  const speedup = before.map((o, i) => ({ batchSize: o.batchSize, ratio: o.medianMs / after[i].medianMs }));
  const slower = speedup.flatMap((s, i) => (s.ratio < 1 ? [{ ...s, beyondSpread: after[i].q1Ms > before[i].q3Ms }] : []));
  return { speedup, slower };
}

/** A study run's latency: the median of 5 timed forward passes at batch 1 and 64, after one warm-up. */
export async function runLatency(model: LayersModel): Promise<Array<{ batchSize: number; msPerBatch: number; q1Ms: number; q3Ms: number }>> {
  const [figures] = await measureLatencies([model], { batchSizes: [1, 64], runs: 5, warmupRuns: 1 });
  return figures.map((f) => ({ batchSize: f.batchSize, msPerBatch: f.medianMs, q1Ms: f.q1Ms, q3Ms: f.q3Ms }));
}
