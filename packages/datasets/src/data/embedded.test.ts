import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FashionMnistDataset } from '../datasets/fashion-mnist';
import { MnistDataset } from '../datasets/mnist';
import type { MnistFamilyOptions } from '../datasets/mnist-family';
import { collect, useCpuBackend } from '../testing/fixtures';
import { embeddedCacheFile, embeddedPackage, loadEmbedded } from './embedded';
import { classHistogram } from './image-store';

// Converting the JSON takes seconds, so every test run shares one cache folder per package
// version: the conversion happens at most once (and not at all once the folder exists).
const sharedCache = (name: 'fashion-mnist' | 'mnist') =>
  path.join(os.tmpdir(), `prunebench-test-cache-${name}-${embeddedPackage(name).version}`);

const packageClass = (name: 'fashion-mnist' | 'mnist', label: number): unknown[] => {
  const folder = name === 'fashion-mnist' ? 'src/clothes' : 'src/digits';
  return (JSON.parse(fs.readFileSync(path.join(embeddedPackage(name).dir, folder, `${label}.json`), 'utf8')) as { data: unknown[] }).data;
};

const options = (name: 'fashion-mnist' | 'mnist', extra: Partial<MnistFamilyOptions> = {}): MnistFamilyOptions => ({
  cacheDir: sharedCache(name), imageSize: 28, seed: 0, validationSize: 0, normalize: 'standardize', ...extra,
});

beforeAll(useCpuBackend);

describe('embedded Fashion-MNIST', () => {
  it('converts the package to 70,000 images, 7,000 per class, matching its pixels', () => {
    const { store, file } = loadEmbedded('fashion-mnist', { cacheDir: sharedCache('fashion-mnist') });
    expect(file).toBe(embeddedCacheFile('fashion-mnist', sharedCache('fashion-mnist')));
    expect(store.count).toBe(70000);
    expect(store.shape).toEqual([28, 28, 1]);
    expect(classHistogram(store.labels, 10)).toEqual(new Array(10).fill(7000));
    // Class 0 has empty placeholders at package indices 1000 and 7001, which are skipped.
    const class0 = packageClass('fashion-mnist', 0) as number[][];
    const class9 = packageClass('fashion-mnist', 9) as number[][];
    const image = (i: number) => Array.from(store.images.subarray(i * 784, (i + 1) * 784));
    expect(image(0)).toEqual(class0[0]);
    expect(image(999)).toEqual(class0[999]);
    expect(image(1000)).toEqual(class0[1001]);
    expect(image(6999)).toEqual(class0[7000]);
    expect(image(63000)).toEqual(class9[0]);
    expect(image(69999)).toEqual(class9[6999]);
    expect(store.labels[6999]).toBe(0);
    expect(store.labels[7000]).toBe(1);
    expect(store.labels[69999]).toBe(9);
  });

  it('loads from the cache afterwards (a hit) in well under a second', () => {
    const started = performance.now();
    const loaded = loadEmbedded('fashion-mnist', { cacheDir: sharedCache('fashion-mnist') });
    const ms = performance.now() - started;
    expect(loaded.status).toBe('hit');
    // Reported, not asserted: wall-clock thresholds make flaky tests on shared machines.
    process.stdout.write(`fashion-mnist cache hit: ${loaded.store.count} images in ${ms.toFixed(0)} ms\n`);
  });

  it('splits 60,000 train / 10,000 test (1,000 per class), fixed, and standardises with train statistics', async () => {
    const dataset = new FashionMnistDataset(options('fashion-mnist'));
    const info = await dataset.load();
    expect(info.sizes).toEqual({ train: 60000, validation: 0, test: 10000 });
    expect(info.inputShape).toEqual([28, 28, 1]);
    expect(info.classNames?.[9]).toBe('Ankle boot');
    const test = await dataset.splitData('test');
    expect(classHistogram(test.store.labels, 10)).toEqual(new Array(10).fill(1000));
    // Fashion-MNIST's training-set statistics are mean ≈ 0.286, std ≈ 0.353.
    expect(info.normalization!.mean[0]).toBeCloseTo(0.286, 2);
    expect(info.normalization!.std[0]).toBeCloseTo(0.353, 2);
    // The test split is the same whatever the options' seed.
    const other = await new FashionMnistDataset(options('fashion-mnist', { seed: 5 })).splitData('test');
    expect(Buffer.from(other.store.images).equals(Buffer.from(test.store.images))).toBe(true);
  });

  it('serves a trainSize subset, stratified, with pixels scaled to [0, 1]', async () => {
    const dataset = new FashionMnistDataset(options('fashion-mnist', { trainSize: 200, testSize: 100, validationSize: 50, normalize: 'scale' }));
    const info = await dataset.load();
    expect(info.sizes).toEqual({ train: 200, validation: 50, test: 100 });
    const train = await dataset.splitData('train');
    expect(classHistogram(train.store.labels, 10, train.indices)).toEqual(new Array(10).fill(20));
    const before = tf.memory().numTensors;
    const [first] = await collect(dataset, 'train', { batchSize: 64, seed: 1, epoch: 0, shuffle: false });
    expect(tf.memory().numTensors).toBe(before);
    expect(first.xShape).toEqual([64, 28, 28, 1]);
    const index = train.indices[0];
    const expected = Array.from(train.store.images.subarray(index * 784, (index + 1) * 784), (v) => v / 255);
    Array.from(first.x.subarray(0, 784)).forEach((v, p) => expect(v).toBeCloseTo(expected[p], 6));
  });
});

describe('augmentation of the MNIST family (augment: true)', () => {
  /** Every image of a batch as the source image, pad-cropped by (top, left) and maybe flipped: which draw made it, or null. */
  const drawOf = (source: Uint8Array, out: Float32Array, padding: number) => {
    for (let top = 0; top <= 2 * padding; top++) {
      for (let left = 0; left <= 2 * padding; left++) {
        for (const flip of [false, true]) {
          let same = true;
          for (let y = 0; y < 28 && same; y++) {
            for (let x = 0; x < 28 && same; x++) {
              const sy = y + top - padding;
              const sx = (flip ? 27 - x : x) + left - padding;
              const v = sy >= 0 && sy < 28 && sx >= 0 && sx < 28 ? source[sy * 28 + sx] / 255 : 0;
              same = Math.abs(out[y * 28 + x] - v) < 1e-6;
            }
          }
          if (same) return { top, left, flip };
        }
      }
    }
    return null;
  };
  const batchOf = async (dataset: FashionMnistDataset | MnistDataset, split: 'train' | 'test') => {
    const data = await dataset.splitData(split);
    const [first] = await collect(dataset, split, { batchSize: 64, seed: 1, epoch: 0, shuffle: false });
    const sources = Array.from({ length: 64 }, (_, b) => data.store.images.subarray(data.indices[b] * 784, (data.indices[b] + 1) * 784));
    return { first, sources };
  };

  it('Fashion-MNIST: training images pad-cropped (padding 2) and flipped at random, test images as they are', async () => {
    const dataset = new FashionMnistDataset(options('fashion-mnist', { trainSize: 200, testSize: 100, normalize: 'scale', augment: true }));
    await dataset.load();
    const { first, sources } = await batchOf(dataset, 'train');
    const draws = sources.map((source, b) => drawOf(source, first.x.subarray(b * 784, (b + 1) * 784), 2));
    expect(draws.every((d) => d !== null)).toBe(true);
    expect(draws.some((d) => d!.flip)).toBe(true);
    expect(draws.some((d) => d!.top !== 2 || d!.left !== 2)).toBe(true);
    const test = await batchOf(dataset, 'test');
    test.sources.forEach((source, b) => expect(drawOf(source, test.first.x.subarray(b * 784, (b + 1) * 784), 0)).toEqual({ top: 0, left: 0, flip: false }));
  });

  it('MNIST never flips (a flipped digit is another symbol); without augment nothing changes', async () => {
    const mnist = new MnistDataset(options('mnist', { trainSize: 200, normalize: 'scale', augment: true, padding: 0 }));
    await mnist.load();
    const digits = await batchOf(mnist, 'train');
    digits.sources.forEach((source, b) => expect(Array.from(digits.first.x.subarray(b * 784, (b + 1) * 784), (v) => Math.round(v * 255))).toEqual(Array.from(source)));
    const plain = new FashionMnistDataset(options('fashion-mnist', { trainSize: 200, normalize: 'scale' }));
    await plain.load();
    const clothes = await batchOf(plain, 'train');
    clothes.sources.forEach((source, b) => expect(Array.from(clothes.first.x.subarray(b * 784, (b + 1) * 784), (v) => Math.round(v * 255))).toEqual(Array.from(source)));
  });
});

describe('embedded MNIST', () => {
  it('converts the package to 10,000 images whose bytes reproduce its [0, 1] values', () => {
    const { store } = loadEmbedded('mnist', { cacheDir: sharedCache('mnist') });
    expect(store.count).toBe(10000);
    const perClass = Array.from({ length: 10 }, (_, c) => packageClass('mnist', c));
    expect(classHistogram(store.labels, 10)).toEqual(perClass.map((d) => d.length / 784));
    const start3 = perClass.slice(0, 3).reduce((s, d) => s + d.length / 784, 0);
    for (const [offset, image] of [[0, 0], [start3 + 5, 5]] as const) {
      const source = perClass[offset === 0 ? 0 : 3].slice(image * 784, (image + 1) * 784) as number[];
      const bytes = store.images.subarray(offset * 784, (offset + 1) * 784);
      bytes.forEach((b, p) => expect(Math.round((b / 255) * 1000) / 1000).toBeCloseTo(source[p], 9));
    }
  });

  it('splits 20% of each class off as the fixed test split', async () => {
    const info = await new MnistDataset(options('mnist')).load();
    expect(info.sizes.train + info.sizes.test).toBe(10000);
    expect(info.sizes.test).toBe(2000);
    expect(info.normalization!.mean[0]).toBeCloseTo(0.13, 1);
  });
});

describe('a swapped embedded cache', () => {
  it('is recognised by its identity header and rebuilt (the MNIST cache copied over the Fashion-MNIST one)', () => {
    const mnist = loadEmbedded('mnist', { cacheDir: sharedCache('mnist') });
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-swap-'));
    const fashionFile = embeddedCacheFile('fashion-mnist', folder);
    fs.copyFileSync(mnist.file, fashionFile);
    const warnings: string[] = [];
    const loaded = loadEmbedded('fashion-mnist', { cacheDir: folder, warn: (m) => warnings.push(m) });
    expect(loaded.status).toBe('rebuilt');
    expect(loaded.store.count).toBe(70000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(fashionFile);
    expect(warnings[0]).toMatch(/holds mnist \(mnist@[\d.]+, split all\), expected fashion-mnist \(fashion-mnist@[\d.]+, split all\)/);
    expect(loadEmbedded('fashion-mnist', { cacheDir: folder, warn: (m) => warnings.push(m) }).status).toBe('hit');
    fs.rmSync(folder, { recursive: true, force: true });
  });
});
