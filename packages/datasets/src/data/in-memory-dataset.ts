import * as tf from '@tensorflow/tfjs-core';
import type { Batch, BatchOptions, Dataset, DatasetInfo, SplitName } from '@prunebench/core';
import { Rng } from '@prunebench/core';
import type { Normalization } from '../transforms/normalize';
import { normalizationTable } from '../transforms/normalize';
import type { PadCropFlip } from '../transforms/pad-crop-flip';
import { drawPadCropFlip, writeImage } from '../transforms/pad-crop-flip';
import type { ImageStore } from './image-store';
import { imageBytes } from './image-store';
import type { SplitIndices, SplitSizes } from './splits';
import { makeSplits } from './splits';
import { checkBatchOptions, shouldAugment, shouldShuffle } from './batch-options';

/** What an in-memory dataset reads: a train source (validation is held out of it) and a test source. */
export interface InMemorySource {
  train: ImageStore;
  test: ImageStore;
  classNames?: string[];
  /** The example shape batches have, when not the stores' [height, width, channels] (same size). */
  inputShape?: number[];
}

interface Prepared {
  source: InMemorySource;
  splits: SplitIndices;
  normalization: Normalization;
  table: Float32Array;
  info: DatasetInfo;
}

/**
 * A dataset whose images fit in memory as uint8 (MNIST, Fashion-MNIST, CIFAR, synthetic).
 * Batches are built as float32 per batch (normalised, augmented for training) and handed over
 * as fresh tensors the caller disposes; nothing else stays allocated on the tfjs side.
 */
export abstract class InMemoryDataset implements Dataset {
  private prepared?: Promise<Prepared>;

  /** `label` names the dataset in messages, e.g. `dataset "cifar10"`. */
  protected constructor(protected readonly label: string) {}

  protected abstract readSource(): Promise<InMemorySource>;
  protected abstract splitSizes(): SplitSizes;
  protected abstract normalizationFor(source: InMemorySource): Normalization;
  /** Training augmentation, if the dataset has one. */
  protected augmentation(): PadCropFlip | undefined {
    return undefined;
  }

  async load(): Promise<DatasetInfo> {
    return (await this.prepare()).info;
  }

  /** The store and the indices into it that make up a split (for inspection and tests). */
  async splitData(split: SplitName): Promise<{ store: ImageStore; indices: Int32Array }> {
    const { source, splits } = await this.prepare();
    return { store: split === 'test' ? source.test : source.train, indices: splits[split] };
  }

  async *batches(split: SplitName, options: BatchOptions): AsyncIterable<Batch> {
    checkBatchOptions(options, this.label);
    const { store, indices } = await this.splitData(split);
    const { table, info } = await this.prepare();
    const exampleShape = info.inputShape;
    const order = Int32Array.from(indices);
    if (shouldShuffle(split, options)) new Rng(options.seed, 'order', split, options.epoch).shuffle(order);
    const augmentation = shouldAugment(split, options) ? this.augmentation() : undefined;
    const augmentRng = new Rng(options.seed, 'augment', split, options.epoch);
    const bytes = imageBytes(store);
    const { numClasses } = info;
    for (let start = 0; start < order.length; start += options.batchSize) {
      const size = Math.min(options.batchSize, order.length - start);
      if (size < options.batchSize && options.dropRemainder) break;
      const x = new Float32Array(size * bytes);
      const y = new Float32Array(size * numClasses);
      for (let b = 0; b < size; b++) {
        const index = order[start + b];
        const image = store.images.subarray(index * bytes, (index + 1) * bytes);
        const draw = augmentation ? drawPadCropFlip(augmentation, augmentRng) : undefined;
        writeImage(image, store.shape, table, x, b * bytes, augmentation?.padding ?? 0, draw);
        y[b * numClasses + store.labels[index]] = 1;
      }
      yield { x: tf.tensor(x, [size, ...exampleShape], 'float32'), y: tf.tensor2d(y, [size, numClasses], 'float32') };
    }
  }

  private prepare(): Promise<Prepared> {
    this.prepared ??= this.readSource().then((source) => {
      const splits = makeSplits(source.train.labels, source.test.labels, source.train.numClasses, this.splitSizes(), this.label);
      const normalization = this.normalizationFor(source);
      const info: DatasetInfo = {
        inputShape: source.inputShape ?? [...source.train.shape],
        numClasses: source.train.numClasses,
        sizes: { train: splits.train.length, validation: splits.validation.length, test: splits.test.length },
        normalization,
        ...(source.classNames ? { classNames: source.classNames } : {}),
      };
      return { source, splits, normalization, table: normalizationTable(normalization), info };
    });
    // A failed load is not cached: the user may fix the files and call again.
    this.prepared.catch(() => (this.prepared = undefined));
    return this.prepared;
  }
}
