import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DatasetError } from '@prunebench/core';
import { Cifar10Dataset } from '../datasets/cifar10';
import { Cifar100Dataset, type Cifar100Options } from '../datasets/cifar100';
import type { CifarOptions } from '../datasets/cifar';
import { cifarPixel, cifarRecord, collect, labelsOf, tempFolder, useCpuBackend } from '../testing/fixtures';
import { readCifarFile } from './cifar-binary';

/** Five training batches of `perBatch` records and a test batch of 6, labels i mod 10. */
function writeCifar10(folder: string, perBatch = 4): void {
  let i = 0;
  for (let b = 1; b <= 5; b++) {
    const records = Array.from({ length: perBatch }, () => cifarRecord([i % 10], cifarPixel(i++)));
    fs.writeFileSync(path.join(folder, `data_batch_${b}.bin`), Buffer.concat(records));
  }
  fs.writeFileSync(path.join(folder, 'test_batch.bin'), Buffer.concat(Array.from({ length: 6 }, (_, t) => cifarRecord([t % 10], cifarPixel(100 + t)))));
}

const cifarOptions = (folder: string, extra: Partial<CifarOptions> = {}): CifarOptions => ({
  path: folder, augment: true, padding: 4, seed: 0, validationSize: 0, normalize: 'scale', ...extra,
});

beforeAll(useCpuBackend);

describe('CIFAR binary reader', () => {
  it('re-lays channel-major records as HWC and keeps labels', () => {
    const folder = tempFolder('cifar');
    const file = path.join(folder, 'test_batch.bin');
    fs.writeFileSync(file, Buffer.concat([cifarRecord([3], cifarPixel(0)), cifarRecord([7], cifarPixel(1))]));
    const store = readCifarFile(file, { labelBytes: 1, labelIndex: 0, numClasses: 10 });
    expect(store.count).toBe(2);
    expect(Array.from(store.labels)).toEqual([3, 7]);
    const at = (i: number, y: number, x: number, c: number) => store.images[i * 3072 + (y * 32 + x) * 3 + c];
    expect(at(1, 5, 9, 2)).toBe(cifarPixel(1)(2, 5, 9));
    expect(at(0, 31, 0, 1)).toBe(cifarPixel(0)(1, 31, 0));
  });

  it('serves CIFAR-10: 5 batches concatenated, test without augmentation, reference normalisation by default', async () => {
    const folder = tempFolder('cifar');
    writeCifar10(folder);
    const dataset = new Cifar10Dataset(cifarOptions(folder, { normalize: 'standardize' }));
    const info = await dataset.load();
    expect(info.sizes).toEqual({ train: 20, validation: 0, test: 6 });
    expect(info.inputShape).toEqual([32, 32, 3]);
    expect(info.normalization).toEqual({ mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] });
    const [test] = await collect(dataset, 'test', { batchSize: 6, seed: 0, epoch: 0 });
    expect(labelsOf(test.y, 10)).toEqual([0, 1, 2, 3, 4, 5]);
    const expected = (cifarPixel(102)(1, 4, 6) / 255 - 0.4822) / 0.1994;
    expect(test.x[2 * 3072 + (4 * 32 + 6) * 3 + 1]).toBeCloseTo(expected, 5);
  });

  it('augments training batches: pad-4 random crops and flips keep the shape and move the pixels', async () => {
    const folder = tempFolder('cifar');
    writeCifar10(folder);
    const dataset = new Cifar10Dataset(cifarOptions(folder));
    const before = tf.memory().numTensors;
    const plain = await collect(dataset, 'train', { batchSize: 20, seed: 3, epoch: 0, augment: false });
    const augmented = await collect(dataset, 'train', { batchSize: 20, seed: 3, epoch: 0 });
    const again = await collect(dataset, 'train', { batchSize: 20, seed: 3, epoch: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(augmented[0].xShape).toEqual([20, 32, 32, 3]);
    expect(labelsOf(augmented[0].y, 10)).toEqual(labelsOf(plain[0].y, 10));
    expect(Array.from(augmented[0].x)).toEqual(Array.from(again[0].x));
    let changed = 0;
    let zeroBorders = 0;
    for (let b = 0; b < 20; b++) {
      const a = augmented[0].x.subarray(b * 3072, (b + 1) * 3072);
      const p = plain[0].x.subarray(b * 3072, (b + 1) * 3072);
      if (a.some((v, k) => v !== p[k])) changed++;
      if (a[0] === 0 && a[1] === 0 && a[2] === 0) zeroBorders++;
    }
    expect(changed).toBeGreaterThan(15); // 1/162 chance per image of the identity crop without flip
    expect(zeroBorders).toBeGreaterThan(0);
  });

  it('serves CIFAR-100 fine or coarse labels from train.bin / test.bin, in a cifar-100-binary sub-folder', async () => {
    const root = tempFolder('cifar100');
    const folder = path.join(root, 'cifar-100-binary');
    fs.mkdirSync(folder);
    const write = (name: string, n: number) =>
      fs.writeFileSync(path.join(folder, name), Buffer.concat(Array.from({ length: n }, (_, i) => cifarRecord([i % 20, (i * 7) % 100], cifarPixel(i)))));
    write('train.bin', 30);
    write('test.bin', 5);
    const base: Cifar100Options = { ...cifarOptions(root), labels: 'fine' };
    const fine = new Cifar100Dataset(base);
    expect((await fine.load()).numClasses).toBe(100);
    const [batch] = await collect(fine, 'test', { batchSize: 5, seed: 0, epoch: 0 });
    expect(labelsOf(batch.y, 100)).toEqual([0, 7, 14, 21, 28]);
    const coarse = new Cifar100Dataset({ ...base, labels: 'coarse' });
    expect((await coarse.load()).numClasses).toBe(20);
    const [coarseBatch] = await collect(coarse, 'test', { batchSize: 5, seed: 0, epoch: 0 });
    expect(labelsOf(coarseBatch.y, 20)).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses a missing file, a truncated file and a label out of range, naming the file and offset', async () => {
    const folder = tempFolder('cifar');
    writeCifar10(folder);
    fs.rmSync(path.join(folder, 'data_batch_3.bin'));
    await expect(new Cifar10Dataset(cifarOptions(folder)).load()).rejects.toThrow(`${path.join(folder, 'data_batch_3.bin')} does not exist`);

    writeCifar10(folder);
    const batch2 = path.join(folder, 'data_batch_2.bin');
    fs.writeFileSync(batch2, fs.readFileSync(batch2).subarray(0, 3073 * 2 + 100));
    const truncated = (await new Cifar10Dataset(cifarOptions(folder)).load().catch((e) => e)) as DatasetError;
    expect(truncated).toBeInstanceOf(DatasetError);
    expect(truncated.message).toContain(batch2);
    expect(truncated.message).toMatch(/record 2 starts at byte 6146 and is incomplete/);
    expect(truncated.offset).toBe(6146);

    writeCifar10(folder);
    const test = path.join(folder, 'test_batch.bin');
    const bytes = fs.readFileSync(test);
    bytes[3073 * 4] = 10;
    fs.writeFileSync(test, bytes);
    await expect(new Cifar10Dataset(cifarOptions(folder)).load()).rejects.toThrow(`${test}: label 10 at byte 12292 (record 4) is out of range`);
  });
});
