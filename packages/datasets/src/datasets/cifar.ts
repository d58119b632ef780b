import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InMemorySource } from '../data/in-memory-dataset';
import { InMemoryDataset } from '../data/in-memory-dataset';
import type { NormalizationOptions, SplitOptions } from '../data/common-options';
import { normalizationOptionsSchema, resolveNormalization, splitOptionsSchema } from '../data/common-options';
import { concatStores } from '../data/image-store';
import type { SplitSizes } from '../data/splits';
import { findDataFile, requireFolder } from '../readers/read-file';
import type { CifarFormat } from '../readers/cifar-binary';
import { readCifarFile } from '../readers/cifar-binary';
import { CIFAR_REFERENCE_NORMALIZATION } from '../transforms/normalize';
import type { PadCropFlip } from '../transforms/pad-crop-flip';

export interface CifarOptions extends SplitOptions, NormalizationOptions {
  /** The folder of the binary version's files (or the folder that contains `cifar-10-batches-bin` / `cifar-100-binary`). */
  path: string;
  /** Training augmentation: pad 4 + random 32×32 crop + horizontal flip (default true). */
  augment: boolean;
  /** Zero padding of the random crop (default 4). */
  padding: number;
}

export function cifarSchema(extra: Record<string, unknown> = {}) {
  return {
    type: 'object',
    properties: {
      path: { type: 'string', minLength: 1, description: 'folder with the binary files (data_batch_*.bin / train.bin, test*.bin)' },
      augment: { type: 'boolean', default: true, description: 'train-time pad + random crop + horizontal flip' },
      padding: { type: 'integer', minimum: 0, default: 4, description: 'zero padding of the random crop' },
      ...extra,
      ...splitOptionsSchema,
      ...normalizationOptionsSchema('standardize'),
    },
    required: ['path'],
    additionalProperties: false,
  } as const;
}

/**
 * CIFAR from the "binary version" files. Normalisation defaults to the statistics Le & Hua's
 * reference code uses for both CIFAR-10 and CIFAR-100: mean (0.4914, 0.4822, 0.4465),
 * std (0.2023, 0.1994, 0.2010).
 */
export abstract class CifarDataset extends InMemoryDataset {
  protected constructor(
    name: string,
    /** The sub-folder the archive unpacks to, used when `path` points at its parent. */
    private readonly archiveFolder: string,
    private readonly trainFiles: string[],
    private readonly testFiles: string[],
    private readonly format: CifarFormat,
    protected readonly options: CifarOptions,
  ) {
    super(`dataset "${name}"`);
  }

  protected abstract classNames(): string[] | undefined;

  protected async readSource(): Promise<InMemorySource> {
    let folder = path.resolve(this.options.path);
    requireFolder(folder, this.label);
    const nested = path.join(folder, this.archiveFolder);
    if (!fs.existsSync(path.join(folder, this.trainFiles[0])) && fs.existsSync(nested)) folder = nested;
    const read = (names: string[]) => concatStores(names.map((name) => readCifarFile(findDataFile(folder, [name]), this.format)));
    const names = this.classNames();
    return { train: read(this.trainFiles), test: read(this.testFiles), ...(names ? { classNames: names } : {}) };
  }

  protected splitSizes(): SplitSizes {
    return this.options;
  }

  protected normalizationFor() {
    return resolveNormalization(this.options, 3, () => CIFAR_REFERENCE_NORMALIZATION, this.label);
  }

  protected override augmentation(): PadCropFlip | undefined {
    return this.options.augment ? { padding: this.options.padding, flip: true } : undefined;
  }
}
