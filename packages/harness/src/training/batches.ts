import type { Batch, Dataset, SplitName } from '@prunebench/core';

/**
 * Where training batches come from:
 * - a dataset and split: one pass per epoch (seeded shuffling by pass), cycled as needed;
 * - a function giving the batches of pass `p`: cycled the same way;
 * - a plain async iterable: consumed once; running out before the last step is an error.
 */
export type TrainingData =
  | { dataset: Dataset; split?: SplitName; shuffle?: boolean; augment?: boolean; dropRemainder?: boolean }
  | ((pass: number) => AsyncIterable<Batch>)
  | AsyncIterable<Batch>;

export interface PassBatch {
  batch: Batch;
  /** Which pass over the data (0-based) the batch belongs to. */
  pass: number;
}

function isIterable(data: TrainingData): data is AsyncIterable<Batch> {
  return typeof (data as AsyncIterable<Batch>)[Symbol.asyncIterator] === 'function';
}

/** An endless stream of batches tagged with their pass (ends only for a plain iterable). */
export async function* streamBatches(data: TrainingData, batchSize: number, seed: number): AsyncGenerator<PassBatch> {
  if (isIterable(data)) {
    for await (const batch of data) yield { batch, pass: 0 };
    return;
  }
  for (let pass = 0; ; pass++) {
    const source =
      typeof data === 'function'
        ? data(pass)
        : data.dataset.batches(data.split ?? 'train', {
            batchSize,
            seed,
            epoch: pass,
            shuffle: data.shuffle,
            augment: data.augment,
            // Default: drop the last partial batch, so every step is the same size.
            dropRemainder: data.dropRemainder ?? true,
          });
    let count = 0;
    for await (const batch of source) {
      count += 1;
      yield { batch, pass };
    }
    if (count === 0) throw new Error(`training data pass ${pass} yielded no batches (is the split empty, or smaller than one batch of ${batchSize}?)`);
  }
}
