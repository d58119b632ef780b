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
