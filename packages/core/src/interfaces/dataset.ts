import type { Tensor } from '@tensorflow/tfjs-core';
import type { ComponentClass } from './component';

export type SplitName = 'train' | 'validation' | 'test';

export interface DatasetInfo {
  /** One example's shape, channels last, e.g. [28, 28, 1]. */
  inputShape: number[];
  numClasses: number;
  /** Examples per split (0 when a split is absent). */
  sizes: Record<SplitName, number>;
  classNames?: string[];
  /**
   * The per-channel normalisation applied to x: x = (pixel / 255 - mean[c]) / std[c].
   * Absent when the dataset does not normalise this way.
   */
  normalization?: { mean: number[]; std: number[] };
}

export interface Batch {
  /** [batch, ...inputShape], float32, normalised. */
  x: Tensor;
  /** [batch, numClasses] one-hot float32. */
  y: Tensor;
}

export interface BatchOptions {
  batchSize: number;
  /** Seed of the shuffling (and augmentation); same seed and epoch give the same order. */
  seed: number;
  epoch: number;
  /** Shuffle the order (default: true for train, false otherwise). */
  shuffle?: boolean;
  /** Apply training augmentation (default: true for train, false otherwise). */
  augment?: boolean;
  /** Drop a last, incomplete batch (keeps every step the same size). */
  dropRemainder?: boolean;
}

/** Train / validation / test splits served as batches of tensors. The caller disposes them. */
export interface Dataset {
  load(): Promise<DatasetInfo>;
  batches(split: SplitName, options: BatchOptions): AsyncIterable<Batch>;
}

export type DatasetClass = ComponentClass<Dataset>;

/** Optimizer steps one epoch of `size` examples takes (what schedules and the ledger count). */
export function batchesPerEpoch(size: number, batchSize: number, dropRemainder = false): number {
  if (!(batchSize > 0)) throw new RangeError(`batchSize must be positive, got ${batchSize}`);
  return dropRemainder ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}
