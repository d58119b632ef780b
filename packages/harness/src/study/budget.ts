import type { StepHyperparameters } from '@prunebench/core';
import { batchesPerEpoch } from '@prunebench/core';

/** How one epoch is cut into batches: fixed once per study from the train split and batch size. */
export interface Batching {
  trainSize: number;
  batchSize: number;
  /** Whether the last incomplete batch of an epoch is dropped. */
  dropLast: boolean;
  /** S: optimizer steps per epoch. */
  stepsPerEpoch: number;
}

export function batching(trainSize: number, batchSize: number, dropLast: boolean): Batching {
  const stepsPerEpoch = batchesPerEpoch(trainSize, batchSize, dropLast);
  if (stepsPerEpoch < 1) {
    throw new Error(`the train split (${trainSize} examples) is smaller than one batch (${batchSize})`);
  }
  return { trainSize, batchSize, dropLast, stepsPerEpoch };
}

/**
 * Samples the first `steps` optimizer steps consume: whole epochs take every example (or S × B
 * when the last partial batch is dropped); steps into an unfinished epoch are full batches,
 * since only an epoch's last batch can be partial.
 */
export function expectedSamples(steps: number, b: Batching): number {
  const epochs = Math.floor(steps / b.stepsPerEpoch);
  const rest = steps % b.stepsPerEpoch;
  const perEpoch = b.dropLast ? b.stepsPerEpoch * b.batchSize : b.trainSize;
  return epochs * perEpoch + rest * b.batchSize;
}

/**
 * A schedule squeezed into fewer steps (budget accounting `total`: a pruner's own steps are
 * deducted): step i of the shorter run takes the hyperparameters of the same fraction of the
 * full schedule, so its shape (warm-up, peak, decay) is kept.
 */
export function compressSchedule(steps: readonly StepHyperparameters[], length: number): StepHyperparameters[] {
  if (length >= steps.length) return [...steps];
  return Array.from({ length }, (_, i) => steps[Math.floor((i * steps.length) / length)]);
}
