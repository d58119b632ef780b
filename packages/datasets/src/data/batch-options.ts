import type { BatchOptions, SplitName } from '@prunebench/core';
import { UsageError } from '@prunebench/core';

export function checkBatchOptions(options: BatchOptions, label: string): void {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new UsageError(`${label}: batchSize must be a positive integer, got ${options.batchSize}`);
  }
  if (!Number.isFinite(options.seed) || !Number.isFinite(options.epoch)) {
    throw new UsageError(`${label}: batches need a finite seed and epoch (got seed ${options.seed}, epoch ${options.epoch})`);
  }
}

/** Shuffle by default only for training. */
export function shouldShuffle(split: SplitName, options: BatchOptions): boolean {
  return options.shuffle ?? split === 'train';
}

/** Augment by default only for training. */
export function shouldAugment(split: SplitName, options: BatchOptions): boolean {
  return options.augment ?? split === 'train';
}
