import * as tf from '@tensorflow/tfjs-core';
import { container } from 'tsyringe';
import { createComponent, Registry, type Dataset, type DatasetInfo } from '@prunebench/core';
import plugin from '../index';
import { classHistogram } from '../data/image-store';
import { collect, labelsOf, useCpuBackend } from '../testing/fixtures';
import { SyntheticDataset, type SyntheticOptions } from './synthetic';

const make = (extra: Partial<SyntheticOptions> = {}) =>
  new SyntheticDataset({ inputShape: [4, 4, 2], numClasses: 3, trainSize: 60, validationSize: 0, testSize: 12, noise: 0.5, seed: 0, normalize: 'scale', ...extra });

const firstLabels = async (dataset: Dataset, seed: number, epoch: number) =>
  (await collect(dataset, 'train', { batchSize: 60, seed, epoch })).flatMap((b) => labelsOf(b.y, 3));

const orderOf = async (dataset: Dataset, seed: number, epoch: number) =>
  (await collect(dataset, 'train', { batchSize: 60, seed, epoch }))[0].x.join(',');

beforeAll(useCpuBackend);

describe('synthetic dataset and batching', () => {
  it('is reproducible: same seed and epoch give the same order, other epochs or seeds another', async () => {
    const dataset = make();
    const a = await orderOf(dataset, 1, 0);
    expect(await orderOf(make(), 1, 0)).toBe(a);
    expect(await orderOf(dataset, 1, 1)).not.toBe(a);
    expect(await orderOf(dataset, 2, 0)).not.toBe(a);
    const labels = await firstLabels(dataset, 1, 0);
    expect(labels).not.toEqual(Array.from({ length: 60 }, (_, i) => i % 3)); // shuffled
    expect(classHistogram(labels, 3)).toEqual([20, 20, 20]);
  });

  it('batches with and without dropRemainder, without leaking tensors', async () => {
    const dataset = make();
    const before = tf.memory().numTensors;
    const kept = await collect(dataset, 'train', { batchSize: 25, seed: 0, epoch: 0 });
    const dropped = await collect(dataset, 'train', { batchSize: 25, seed: 0, epoch: 0, dropRemainder: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(kept.map((b) => b.xShape)).toEqual([[25, 4, 4, 2], [25, 4, 4, 2], [10, 4, 4, 2]]);
    expect(kept[0].yShape).toEqual([25, 3]);
    expect(dropped).toHaveLength(2);
    await expect(collect(dataset, 'train', { batchSize: 0, seed: 0, epoch: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
  });

  it('holds validation out of train (disjoint, stratified, seeded) and keeps test apart', async () => {
    const dataset = make({ validationSize: 15 });
    const info: DatasetInfo = await dataset.load();
    expect(info.sizes).toEqual({ train: 45, validation: 15, test: 12 });
    const train = await dataset.splitData('train');
    const validation = await dataset.splitData('validation');
    const overlap = Array.from(validation.indices).filter((i) => train.indices.includes(i));
    expect(overlap).toEqual([]);
    expect(classHistogram(train.store.labels, 3, validation.indices)).toEqual([5, 5, 5]);
    expect(Array.from((await make({ validationSize: 15 }).splitData('validation')).indices)).toEqual(Array.from(validation.indices));
    expect(Array.from((await make({ validationSize: 15, seed: 4 }).splitData('validation')).indices)).not.toEqual(Array.from(validation.indices));
    // Validation and test batches are not shuffled by default.
    const [v1] = await collect(dataset, 'validation', { batchSize: 15, seed: 1, epoch: 0 });
    const [v2] = await collect(dataset, 'validation', { batchSize: 15, seed: 2, epoch: 3 });
    expect(Array.from(v1.x)).toEqual(Array.from(v2.x));
  });

  it('is learnable: class means are further apart than the noise (nearest-mean classifier on test)', async () => {
    const dataset = make({ noise: 0.6 });
    const [train] = await collect(dataset, 'train', { batchSize: 60, seed: 0, epoch: 0 });
    const [test] = await collect(dataset, 'test', { batchSize: 12, seed: 0, epoch: 0 });
    const size = 32;
    const means = [0, 1, 2].map(() => new Float64Array(size));
    labelsOf(train.y, 3).forEach((c, i) => train.x.subarray(i * size, (i + 1) * size).forEach((v, p) => (means[c][p] += v / 20)));
    const correct = labelsOf(test.y, 3).filter((c, i) => {
      const x = test.x.subarray(i * size, (i + 1) * size);
      const distances = means.map((m) => x.reduce((s, v, p) => s + (v - m[p]) ** 2, 0));
      return distances.indexOf(Math.min(...distances)) === c;
    }).length;
    expect(correct).toBe(12);
  });

  it('accepts a flat input shape and standardises with mean/std options', async () => {
    const dataset = make({ inputShape: [10], normalize: 'standardize', mean: [0.5], std: [0.25] });
    const info = await dataset.load();
    expect(info.inputShape).toEqual([10]);
    const [batch] = await collect(dataset, 'test', { batchSize: 4, seed: 0, epoch: 0 });
    expect(batch.xShape).toEqual([4, 10]);
    await expect(make({ mean: [0.1, 0.2, 0.3], normalize: 'standardize' }).load()).rejects.toThrow(/"mean" has 3 value\(s\) but the images have 2 channel\(s\)/);
  });
});

describe('datasets plugin', () => {
  it('lists every dataset id and creates them through the registry with schema defaults', async () => {
    const registry = new Registry();
    registry.add(plugin, { packageName: plugin.name });
    expect(registry.ids('dataset')).toEqual(['cifar10', 'cifar100', 'csv', 'fashion-mnist', 'imagefolder', 'mnist', 'synthetic']);
    const dataset = createComponent<Dataset>(container, registry, 'dataset', 'synthetic', { trainSize: 30 });
    expect((await dataset.load()).sizes).toEqual({ train: 30, validation: 0, test: 64 });
    expect(() => createComponent(container, registry, 'dataset', 'synthetic', { trainSise: 3 })).toThrow(/trainSise/);
    expect(() => createComponent(container, registry, 'dataset', 'cifar10', {})).toThrow(/path/);
  });
});
