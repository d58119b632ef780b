import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DatasetError, Rng } from '@prunebench/core';
import { collect, labelsOf, tempFolder, useCpuBackend } from '../testing/fixtures';
import { centerCropBox, randomResizedCropBox } from '../transforms/crop-boxes';
import { IMAGENET_NORMALIZATION, normalizationTable, scaleOnly } from '../transforms/normalize';
import { cropResizeBilinear } from '../transforms/resize';
import { ImageFolderDataset, type ImageFolderOptions } from './imagefolder';

/** RGBA pixels of a width × height image whose red channel is `red`, green a gradient. */
function rgba(width: number, height: number, red: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([red, (p * 5) % 256, 40, 255], p * 4);
  return data;
}

function writePng(file: string, width: number, height: number, red: number): void {
  const png = new PNG({ width, height });
  rgba(width, height, red).copy(png.data);
  fs.writeFileSync(file, PNG.sync.write(png));
}

function writeJpeg(file: string, width: number, height: number, red: number): void {
  fs.writeFileSync(file, jpeg.encode({ data: rgba(width, height, red), width, height }, 95).data);
}

/** train/{cat,dog}/ with 3 images each (PNG and JPEG, various sizes), val/{cat,dog}/ with 1 each. */
function makeFolder(): string {
  const root = tempFolder('imagefolder');
  const classes: Array<[string, number]> = [['cat', 200], ['dog', 20]];
  for (const [split, count] of [['train', 3], ['val', 1]] as const) {
    for (const [name, red] of classes) {
      fs.mkdirSync(path.join(root, split, name), { recursive: true });
      for (let i = 0; i < count; i++) {
        if (i % 2 === 0) writePng(path.join(root, split, name, `${i}.png`), 20 + 3 * i, 14 + i, red);
        else writeJpeg(path.join(root, split, name, `${i}.JPEG`), 18, 24, red);
      }
    }
  }
  fs.writeFileSync(path.join(root, 'train', 'cat', 'notes.txt'), 'not an image');
  return root;
}

const options = (root: string, extra: Partial<ImageFolderOptions> = {}): ImageFolderOptions => ({
  path: root, imageSize: 8, scale: [0.08, 1], ratio: [3 / 4, 4 / 3], augment: true, trainFolder: 'train', testFolder: 'val',
  seed: 0, validationSize: 0, normalize: 'scale', ...extra,
});

beforeAll(useCpuBackend);

describe('imagefolder', () => {
  it('lists classes and files, and streams batches of the configured size with ImageNet normalisation', async () => {
    const root = makeFolder();
    const dataset = new ImageFolderDataset(options(root, { normalize: 'standardize' }));
    const info = await dataset.load();
    expect(info.classNames).toEqual(['cat', 'dog']);
    expect(info.sizes).toEqual({ train: 6, validation: 0, test: 2 });
    expect(info.inputShape).toEqual([8, 8, 3]);
    expect(info.normalization).toEqual(IMAGENET_NORMALIZATION);
    const before = tf.memory().numTensors;
    const train = await collect(dataset, 'train', { batchSize: 4, seed: 1, epoch: 0 });
    const test = await collect(dataset, 'test', { batchSize: 4, seed: 1, epoch: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(train.map((b) => b.xShape)).toEqual([[4, 8, 8, 3], [2, 8, 8, 3]]);
    expect(labelsOf(test[0].y, 2)).toEqual([0, 1]);
    // The red channel is constant per class, so any crop keeps it (JPEG within a few levels).
    const red = (x: Float32Array, i: number) => x[i * 192] * IMAGENET_NORMALIZATION.std[0] * 255 + IMAGENET_NORMALIZATION.mean[0] * 255;
    expect(red(test[0].x, 0)).toBeCloseTo(200, 0);
    const trainLabels = train.flatMap((b) => labelsOf(b.y, 2));
    trainLabels.forEach((label, i) => expect(Math.abs(red(train[Math.floor(i / 4)].x, i % 4) - (label ? 20 : 200))).toBeLessThan(4));
  });

  it('shuffles and augments reproducibly per seed and epoch', async () => {
    const dataset = new ImageFolderDataset(options(makeFolder()));
    const run = async (seed: number, epoch: number) => (await collect(dataset, 'train', { batchSize: 6, seed, epoch }))[0].x.join(',');
    const a = await run(3, 0);
    expect(await run(3, 0)).toBe(a);
    expect(await run(3, 1)).not.toBe(a);
    const files = await dataset.splitFiles('train');
    expect(files.map((f) => path.basename(f.file))).toEqual(['0.png', '1.JPEG', '2.png', '0.png', '1.JPEG', '2.png']);
  });

  it('holds out a validation split from train/', async () => {
    const info = await new ImageFolderDataset(options(makeFolder(), { validationSize: 2 })).load();
    expect(info.sizes).toEqual({ train: 4, validation: 2, test: 2 });
  });

  it('refuses a missing val/ folder, a class unknown to train/, and a corrupt image, naming the path', async () => {
    const root = makeFolder();
    fs.rmSync(path.join(root, 'val'), { recursive: true });
    await expect(new ImageFolderDataset(options(root)).load()).rejects.toThrow(`${path.join(root, 'val')} does not exist`);

    const other = makeFolder();
    fs.mkdirSync(path.join(other, 'val', 'cow'));
    await expect(new ImageFolderDataset(options(other)).load()).rejects.toThrow(`${path.join(other, 'val', 'cow')} is a class folder`);

    const corrupt = makeFolder();
    const bad = path.join(corrupt, 'val', 'dog', '0.png');
    fs.writeFileSync(bad, fs.readFileSync(bad).subarray(0, 30));
    const error = await collect(new ImageFolderDataset(options(corrupt)), 'test', { batchSize: 2, seed: 0, epoch: 0 }).catch((e) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.message).toContain(bad);
    expect(tf.memory().numTensors).toBe(0);
  });
});

describe('crop and resize transforms', () => {
  it('random-resized crop boxes stay inside the image with area and ratio in range', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const box = randomResizedCropBox(64, 48, [0.08, 1], [3 / 4, 4 / 3], rng);
      expect(box.top).toBeGreaterThanOrEqual(0);
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.top + box.height).toBeLessThanOrEqual(48);
      expect(box.left + box.width).toBeLessThanOrEqual(64);
      expect((box.width * box.height) / (64 * 48)).toBeGreaterThan(0.06);
    }
    // A very wide image falls back to a centred crop with the ratio clamped to 4/3.
    expect(randomResizedCropBox(400, 10, [0.99, 1], [3 / 4, 4 / 3], new Rng(1))).toEqual({ top: 0, left: 193, height: 10, width: 13 });
  });

  it('the eval box is the centre imageSize/resizeSize of the shorter side', () => {
    expect(centerCropBox(300, 200, 224, 256)).toEqual({ top: 12.5, left: 62.5, height: 175, width: 175 });
  });

  it('bilinear resize reproduces an image at the same size, mirrors it, and averages when halving', () => {
    const width = 4;
    const data = Uint8Array.from({ length: 16 * 4 }, (_, k) => (k % 4 === 0 ? (k / 4) * 10 : 0));
    const image = { width, height: 4, data, stride: 4 };
    const table = normalizationTable(scaleOnly(3));
    const out = new Float32Array(48);
    cropResizeBilinear(image, { top: 0, left: 0, height: 4, width: 4 }, 4, false, table, out, 0);
    expect(Array.from({ length: 16 }, (_, p) => Math.round(out[p * 3] * 255))).toEqual(Array.from({ length: 16 }, (_, p) => p * 10));
    cropResizeBilinear(image, { top: 0, left: 0, height: 4, width: 4 }, 4, true, table, out, 0);
    expect(Math.round(out[0] * 255)).toBe(30);
    const half = new Float32Array(12);
    cropResizeBilinear(image, { top: 0, left: 0, height: 4, width: 4 }, 2, false, table, half, 0);
    expect(Math.round(half[0] * 255)).toBe(25); // mean of 0, 10, 40, 50
  });
});
