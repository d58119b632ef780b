import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import type { Batch, BatchOptions, Dataset, DatasetInfo, SplitName } from '@prunebench/core';
import { DatasetError, OPTIONS, Rng } from '@prunebench/core';
import { checkBatchOptions, shouldAugment, shouldShuffle } from '../data/batch-options';
import type { NormalizationOptions, SplitOptions } from '../data/common-options';
import { normalizationOptionsSchema, resolveNormalization, splitOptionsSchema } from '../data/common-options';
import type { SplitIndices } from '../data/splits';
import { makeSplits } from '../data/splits';
import { decodeImage } from '../readers/decode-image';
import { requireFolder } from '../readers/read-file';
import { centerCropBox, randomResizedCropBox } from '../transforms/crop-boxes';
import type { Normalization } from '../transforms/normalize';
import { IMAGENET_NORMALIZATION, normalizationTable } from '../transforms/normalize';
import { cropResizeBilinear } from '../transforms/resize';

export interface ImageFolderOptions extends SplitOptions, NormalizationOptions {
  /** The root holding `train/` and `val/`, each with one sub-folder per class. */
  path: string;
  /** Side of the square crops the model sees (default 224). */
  imageSize: number;
  /** Evaluation: the shorter side is resized to this before the centre crop (default round(imageSize · 256 / 224)). */
  resizeSize?: number;
  /** Training: random-resized-crop area range (default [0.08, 1]). */
  scale: [number, number];
  /** Training: random-resized-crop aspect-ratio range (default [3/4, 4/3]). */
  ratio: [number, number];
  /** Training augmentation (random-resized crop + flip); false uses the evaluation crop for training too. */
  augment: boolean;
  /** Folder names of the train source and the test split (default `train`, `val`). */
  trainFolder: string;
  testFolder: string;
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

interface FileList {
  files: string[];
  labels: Int32Array;
}

interface Prepared {
  train: FileList;
  test: FileList;
  splits: SplitIndices;
  table: Float32Array;
  info: DatasetInfo;
}

/**
 * An ImageNet-layout folder: `train/<class>/*.jpg|png` and `val/<class>/*`. Class names are the
 * sorted sub-folders of `train/`. Only the file list is kept; each batch reads and decodes its
 * own files (jpeg-js, pngjs), so the set never sits in memory. Transforms as torchvision's
 * ImageNet recipe: train RandomResizedCrop(imageSize) + flip, eval Resize(resizeSize) +
 * CenterCrop(imageSize), ImageNet mean/std. `val/` is the test split.
 */
@injectable()
export class ImageFolderDataset implements Dataset {
  static readonly id = 'imagefolder';
  static readonly description = 'ImageNet-layout folder (train/ and val/, one sub-folder per class, JPEG/PNG), streamed per batch';
  static readonly optionsSchema = {
    type: 'object',
    properties: {
      path: { type: 'string', minLength: 1, description: 'root folder with train/ and val/' },
      imageSize: { type: 'integer', minimum: 1, default: 224 },
      resizeSize: { type: 'integer', minimum: 1, description: 'eval: shorter side before the centre crop (default imageSize·256/224)' },
      scale: { type: 'array', items: { type: 'number', exclusiveMinimum: 0, maximum: 1 }, minItems: 2, maxItems: 2, default: [0.08, 1] },
      ratio: { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 2, maxItems: 2, default: [3 / 4, 4 / 3] },
      augment: { type: 'boolean', default: true },
      trainFolder: { type: 'string', minLength: 1, default: 'train' },
      testFolder: { type: 'string', minLength: 1, default: 'val' },
      ...splitOptionsSchema,
      ...normalizationOptionsSchema('standardize'),
    },
    required: ['path'],
    additionalProperties: false,
  } as const;

  private prepared?: Promise<Prepared>;
  private readonly label = 'dataset "imagefolder"';

  constructor(@inject(OPTIONS) private readonly options: ImageFolderOptions) {}

  async load(): Promise<DatasetInfo> {
    return (await this.prepare()).info;
  }

  /** The files of a split, in their stored (sorted) order. */
  async splitFiles(split: SplitName): Promise<Array<{ file: string; label: number }>> {
    const prepared = await this.prepare();
    const list = split === 'test' ? prepared.test : prepared.train;
    return Array.from(prepared.splits[split], (i) => ({ file: list.files[i], label: list.labels[i] }));
  }

  async *batches(split: SplitName, options: BatchOptions): AsyncIterable<Batch> {
    checkBatchOptions(options, this.label);
    const prepared = await this.prepare();
    const list = split === 'test' ? prepared.test : prepared.train;
    const order = Int32Array.from(prepared.splits[split]);
    if (shouldShuffle(split, options)) new Rng(options.seed, 'order', split, options.epoch).shuffle(order);
    const augment = this.options.augment && shouldAugment(split, options);
    const rng = new Rng(options.seed, 'augment', split, options.epoch);
    const { imageSize } = this.options;
    const resizeSize = this.options.resizeSize ?? Math.round((imageSize * 256) / 224);
    const { numClasses } = prepared.info;
    const bytes = imageSize * imageSize * 3;
    for (let start = 0; start < order.length; start += options.batchSize) {
      const size = Math.min(options.batchSize, order.length - start);
      if (size < options.batchSize && options.dropRemainder) break;
      const members = Array.from(order.subarray(start, start + size));
      const contents = await Promise.all(members.map((i) => readImageFile(list.files[i])));
      const x = new Float32Array(size * bytes);
      const y = new Float32Array(size * numClasses);
      members.forEach((index, b) => {
        const image = decodeImage(contents[b], list.files[index]);
        const box = augment
          ? randomResizedCropBox(image.width, image.height, this.options.scale, this.options.ratio, rng)
          : centerCropBox(image.width, image.height, imageSize, resizeSize);
        const flip = augment && rng.next() < 0.5;
        cropResizeBilinear(image, box, imageSize, flip, prepared.table, x, b * bytes);
        y[b * numClasses + list.labels[index]] = 1;
      });
      yield { x: tf.tensor4d(x, [size, imageSize, imageSize, 3], 'float32'), y: tf.tensor2d(y, [size, numClasses], 'float32') };
    }
  }

  private prepare(): Promise<Prepared> {
    this.prepared ??= Promise.resolve().then(() => {
      const root = path.resolve(this.options.path);
      requireFolder(root, 'image');
      const trainRoot = path.join(root, this.options.trainFolder);
      const testRoot = path.join(root, this.options.testFolder);
      requireFolder(trainRoot, 'training image');
      requireFolder(testRoot, 'test (validation) image');
      const classNames = subfolders(trainRoot);
      if (classNames.length < 2) {
        throw new DatasetError(`${trainRoot} has ${classNames.length} class folder(s); the ImageNet layout needs one sub-folder per class`, trainRoot);
      }
      const train = listImages(trainRoot, classNames, true);
      const test = listImages(testRoot, classNames, false);
      const splits = makeSplits(train.labels, test.labels, classNames.length, this.options, this.label);
      const normalization: Normalization = resolveNormalization(this.options, 3, () => IMAGENET_NORMALIZATION, this.label);
      const info: DatasetInfo = {
        inputShape: [this.options.imageSize, this.options.imageSize, 3],
        numClasses: classNames.length,
        sizes: { train: splits.train.length, validation: splits.validation.length, test: splits.test.length },
        classNames,
        normalization,
      };
      return { train, test, splits, table: normalizationTable(normalization), info };
    });
    this.prepared.catch(() => (this.prepared = undefined));
    return this.prepared;
  }
}

function subfolders(folder: string): string[] {
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Every image under `root/<class>/`, sorted; `root`'s class folders must be among `classNames`. */
function listImages(root: string, classNames: string[], requireEveryClass: boolean): FileList {
  const files: string[] = [];
  const labels: number[] = [];
  const known = new Map(classNames.map((name, i) => [name, i]));
  for (const name of subfolders(root)) {
    const label = known.get(name);
    if (label === undefined) {
      throw new DatasetError(`${path.join(root, name)} is a class folder that the training folder does not have; the class folders must match`, path.join(root, name));
    }
    const images = fs
      .readdirSync(path.join(root, name), { withFileTypes: true })
      .filter((entry) => entry.isFile() && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase()))
      .map((entry) => entry.name)
      .sort();
    if (requireEveryClass && images.length === 0) {
      throw new DatasetError(`class folder ${path.join(root, name)} has no .jpg/.jpeg/.png images`, path.join(root, name));
    }
    for (const image of images) {
      files.push(path.join(root, name, image));
      labels.push(label);
    }
  }
  return { files, labels: Int32Array.from(labels) };
}

async function readImageFile(file: string): Promise<Buffer> {
  try {
    return await fs.promises.readFile(file);
  } catch (error) {
    throw new DatasetError(`image file ${file} cannot be read (${(error as Error).message}); was the folder changed during the run?`, file, undefined, { cause: error });
  }
}
