import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DatasetError } from '@prunebench/core';
import { FashionMnistDataset } from '../datasets/fashion-mnist';
import { MnistDataset } from '../datasets/mnist';
import type { MnistFamilyOptions } from '../datasets/mnist-family';
import { collect, idxBytes, labelsOf, pixelOf, tempFolder, useCpuBackend, writeIdxFolder } from '../testing/fixtures';
import { parseIdx } from './idx';

const options = (folder: string, extra: Partial<MnistFamilyOptions> = {}): MnistFamilyOptions => ({
  path: folder, imageSize: 28, seed: 0, validationSize: 0, normalize: 'scale', ...extra,
});

beforeAll(useCpuBackend);

describe('IDX reader', () => {
  it.each([false, true])('reads train and t10k files (gzip: %s) with their pixels and labels', async (gzip) => {
    const folder = tempFolder('idx');
    writeIdxFolder(folder, { train: 30, t10k: 20 }, { gzip });
    const dataset = new FashionMnistDataset(options(folder));
    const info = await dataset.load();
    expect(info.sizes).toEqual({ train: 30, validation: 0, test: 20 });
    const before = tf.memory().numTensors;
    const batches = await collect(dataset, 'test', { batchSize: 8, seed: 0, epoch: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(batches.map((b) => b.xShape[0])).toEqual([8, 8, 4]);
    expect(labelsOf(batches[0].y, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Test batches keep file order: image 9 is the second batch's second example.
    const x = batches[1].x.subarray(784, 2 * 784);
    for (const p of [0, 100, 783]) expect(x[p]).toBeCloseTo(pixelOf(9, p) / 255, 6);
  });

  it('also serves mnist from IDX files', async () => {
    const folder = tempFolder('idx');
    writeIdxFolder(folder, { train: 12, t10k: 10 });
    expect((await new MnistDataset(options(folder)).load()).sizes.test).toBe(10);
  });

  const broken: Array<[string, (folder: string) => void, RegExp, string]> = [
    ['a missing file', (f) => fs.rmSync(path.join(f, 't10k-labels-idx1-ubyte')), /t10k-labels-idx1-ubyte does not exist/, 't10k-labels-idx1-ubyte'],
    ['a truncated file', (f) => {
      const file = path.join(f, 'train-images-idx3-ubyte');
      fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 16 + 784 * 3 + 5));
    }, /truncated at byte 2373/, 'train-images-idx3-ubyte'],
    ['a wrong magic number', (f) => {
      const file = path.join(f, 'train-labels-idx1-ubyte');
      const bytes = fs.readFileSync(file);
      bytes[2] = 0x0d; // float data, not unsigned bytes
      fs.writeFileSync(file, bytes);
    }, /wrong magic number 0x00000d01 at byte 0/, 'train-labels-idx1-ubyte'],
    ['a label out of range', (f) => {
      const file = path.join(f, 'train-labels-idx1-ubyte');
      const bytes = fs.readFileSync(file);
      bytes[8 + 4] = 12;
      fs.writeFileSync(file, bytes);
    }, /label 12 at byte 12 is out of range/, 'train-labels-idx1-ubyte'],
    ['an image size that disagrees with the config', (f) => {
      fs.writeFileSync(path.join(f, 'train-images-idx3-ubyte'), idxBytes([12, 32, 32], new Uint8Array(12 * 32 * 32)));
    }, /images are 32×32 .* but the config expects 28×28/, 'train-images-idx3-ubyte'],
    ['label and image counts that disagree', (f) => {
      fs.writeFileSync(path.join(f, 'train-labels-idx1-ubyte'), idxBytes([11], new Uint8Array(11)));
    }, /11 labels .* 12 images/, 'train-labels-idx1-ubyte'],
  ];
  it.each(broken)('refuses %s with an error naming the file', async (_what, breakIt, message, fileName) => {
    const folder = tempFolder('idx');
    writeIdxFolder(folder, { train: 12, t10k: 10 });
    breakIt(folder);
    const load = new FashionMnistDataset(options(folder)).load();
    await expect(load).rejects.toThrow(DatasetError);
    const error = (await load.catch((e) => e)) as DatasetError;
    expect(error.message).toMatch(message);
    expect(error.message).toContain(path.join(folder, fileName));
    expect(error.file).toBe(path.join(folder, fileName));
    expect(error.exitCode).toBe(2);
  });

  it('refuses a missing folder and a damaged gzip file', async () => {
    await expect(new FashionMnistDataset(options('/nonexistent/prunebench-idx')).load()).rejects.toThrow(/\/nonexistent\/prunebench-idx does not exist/);
    const folder = tempFolder('idx');
    writeIdxFolder(folder, { train: 12, t10k: 10 }, { gzip: true });
    const file = path.join(folder, 'train-images-idx3-ubyte.gz');
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 40));
    await expect(new FashionMnistDataset(options(folder)).load()).rejects.toThrow(/train-images-idx3-ubyte.gz is gzip but does not decompress/);
  });

  it('refuses trailing bytes after the data', () => {
    const bytes = Buffer.concat([idxBytes([3], Uint8Array.from([1, 2, 3])), Buffer.from([9])]);
    expect(() => parseIdx(bytes, 'x.idx', 1)).toThrow(/1 unexpected bytes after byte 11/);
  });
});
