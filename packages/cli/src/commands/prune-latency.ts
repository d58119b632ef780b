import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { randomInputs } from './prune-check';

/** Inference latency of one model at one batch size. */
export interface LatencyFigure {
  batchSize: number;
  /** Median wall time of one forward pass (predict + reading the output back), ms. */
  medianMs: number;
  /** batchSize / median, images per second. */
  imagesPerSecond: number;
  /** Timed runs the median is over (after the warm-up runs). */
  runs: number;
}

export interface LatencyComparison {
  backend: string;
  warmupRuns: number;
  original: LatencyFigure[];
  pruned: LatencyFigure[];
  /** Per batch size: original median / pruned median (> 1: the pruned model is faster). */
  speedup: Array<{ batchSize: number; ratio: number }>;
}

/** Runs timed even past the time budget, so a median means something. */
const MIN_RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timeForward(model: LayersModel, inputs: tf.Tensor[]): Promise<number> {
  const start = performance.now();
  const outputs = [model.predict(inputs)].flat() as tf.Tensor[];
  // Reading the result back waits for the backend to finish (async backends queue work).
  await Promise.all(outputs.map((o) => o.data()));
  const ms = performance.now() - start;
  tf.dispose(outputs);
  return ms;
}

/**
 * Median forward-pass latency of both models at each batch size on the current backend. The
 * two models are timed alternately, run by run (and in alternating order), so machine noise —
 * a neighbour's job, CPU frequency — falls on both alike and their ratio stays meaningful.
 */
export async function compareLatency(
  original: LayersModel,
  pruned: LayersModel,
  options: {
    batchSizes: number[];
    /** Timed runs per model and batch size, at most. */
    runs: number;
    warmupRuns: number;
    /** Stop timing a batch size after this long (both models), once 5 runs are in: big models stay quick to prune. */
    budgetMs?: number;
  },
): Promise<LatencyComparison> {
  const result: LatencyComparison = { backend: tf.getBackend(), warmupRuns: options.warmupRuns, original: [], pruned: [], speedup: [] };
  for (const batchSize of options.batchSizes) {
    const inputs = randomInputs(original, batchSize, 1);
    try {
      for (let i = 0; i < options.warmupRuns; i++) {
        await timeForward(original, inputs);
        await timeForward(pruned, inputs);
      }
      const times = { original: [] as number[], pruned: [] as number[] };
      const started = performance.now();
      const budgetMs = options.budgetMs ?? Infinity;
      for (let i = 0; i < options.runs && (i < MIN_RUNS || performance.now() - started < budgetMs); i++) {
        const order = i % 2 === 0 ? (['original', 'pruned'] as const) : (['pruned', 'original'] as const);
        for (const which of order) times[which].push(await timeForward(which === 'original' ? original : pruned, inputs));
      }
      for (const which of ['original', 'pruned'] as const) {
        const medianMs = median(times[which]);
        result[which].push({ batchSize, medianMs, imagesPerSecond: (1000 * batchSize) / medianMs, runs: times[which].length });
      }
      result.speedup.push({ batchSize, ratio: median(times.original) / median(times.pruned) });
    } finally {
      tf.dispose(inputs);
    }
  }
  return result;
}
