import { deriveSeed, type Batch, type BatchOptions, type Dataset, type DatasetInfo, type SplitName } from '@prunebench/core';

/** Examples and batches a metered view served, per split. */
export type ServedTally = Record<SplitName, { examples: number; batches: number }>;

/**
 * The dataset as a pruner sees it: every batch it draws is counted (examples and batches per
 * split), and its shuffling draws from the calibration stream (`calibrationSeed`), so the
 * sample a criterion calibrates on is independent of the other random choices of the run.
 * The harness gives it only to pruners that declare `needsData`.
 */
export class MeteredDataset implements Dataset {
  readonly served: ServedTally = {
    train: { examples: 0, batches: 0 },
    validation: { examples: 0, batches: 0 },
    test: { examples: 0, batches: 0 },
  };

  constructor(
    private readonly inner: Dataset,
    private readonly calibrationSeed: number,
  ) {}

  load(): Promise<DatasetInfo> {
    return this.inner.load();
  }

  async *batches(split: SplitName, options: BatchOptions): AsyncIterable<Batch> {
    // The pruner's own seed still selects among samples (two draws with different seeds differ).
    const seed = deriveSeed(this.calibrationSeed, options.seed);
    for await (const batch of this.inner.batches(split, { ...options, seed })) {
      this.served[split].examples += batch.x.shape[0];
      this.served[split].batches += 1;
      yield batch;
    }
  }

  /** Examples served over all splits. */
  get examples(): number {
    return this.served.train.examples + this.served.validation.examples + this.served.test.examples;
  }
}
