import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { BatchOptions, Dataset, DatasetClass, DatasetInfo, SplitName } from '../interfaces/dataset';
import { componentChecks, type ConformanceCheck } from './component-checks';
import { conformanceEnvironment, expectNoLeakedTensors, type ConformanceSubject } from './environment';
import { registerSuite } from './suite';

export interface DatasetConformanceOptions extends ConformanceSubject<DatasetClass> {
  /** Batch size the checks read with (default 16). */
  batchSize?: number;
  /**
   * Read at most this many batches of a split (default: all). Give sample options that make the
   * splits small (e.g. `trainSize`), so reading whole splits stays quick.
   */
  maxBatches?: number;
}

interface ReadBatch {
  x: Float32Array;
  y: Float32Array;
  xShape: number[];
  yShape: number[];
}

/** The checks of `describeDatasetConformance`, to run with any test runner. */
export function datasetConformanceChecks(options: DatasetConformanceOptions): ConformanceCheck[] {
  const batchSize = options.batchSize ?? 16;
  const maxBatches = options.maxBatches ?? Infinity;
  const create = () => conformanceEnvironment('dataset', options).create<Dataset>();
  const open = async () => {
    const dataset = create();
    return { dataset, info: await dataset.load() };
  };
  const read = async (dataset: Dataset, split: SplitName, batchOptions: Partial<BatchOptions> = {}): Promise<ReadBatch[]> => {
    const out: ReadBatch[] = [];
    for await (const batch of dataset.batches(split, { batchSize, seed: 0, epoch: 0, ...batchOptions })) {
      out.push({ x: batch.x.dataSync() as Float32Array, y: batch.y.dataSync() as Float32Array, xShape: batch.x.shape, yShape: batch.y.shape });
      assert.equal(batch.x.dtype, 'float32', 'x must be float32');
      assert.equal(batch.y.dtype, 'float32', 'y must be float32');
      tf.dispose([batch.x, batch.y]);
      if (out.length >= maxBatches) break;
    }
    return out;
  };
  const splitsWithData = (info: DatasetInfo) => (['train', 'validation', 'test'] as const).filter((s) => info.sizes[s] > 0);
  const fingerprint = (batches: ReadBatch[]) => batches.map((b) => `${b.xShape}:${Array.from(b.y).join('')}:${b.x.reduce((a, v, i) => a + v * ((i % 7) + 1), 0).toFixed(4)}`);

  return [
    ...componentChecks('dataset', options),
    {
      name: 'loads: describes its input shape, classes and split sizes',
      run: async () => {
        const { info } = await open();
        assert.ok(Array.isArray(info.inputShape) && info.inputShape.length > 0 && info.inputShape.every((d) => Number.isInteger(d) && d > 0), `inputShape must be positive integers, got ${JSON.stringify(info.inputShape)}`);
        assert.ok(Number.isInteger(info.numClasses) && info.numClasses >= 2, `numClasses must be an integer ≥ 2, got ${info.numClasses}`);
        for (const split of ['train', 'validation', 'test'] as const) {
          assert.ok(Number.isInteger(info.sizes?.[split]) && info.sizes[split] >= 0, `sizes.${split} must be a whole number, got ${info.sizes?.[split]}`);
        }
        assert.ok(info.sizes.train > 0, 'the train split is empty');
        if (info.classNames) assert.equal(info.classNames.length, info.numClasses, 'classNames must name every class');
      },
    },
    {
      name: 'serves batches of the declared shapes with one-hot labels, covering each split',
      run: async () => {
        const { dataset, info } = await open();
        for (const split of splitsWithData(info)) {
          const batches = await read(dataset, split);
          assert.ok(batches.length > 0, `split "${split}" has ${info.sizes[split]} examples but served no batch`);
          let examples = 0;
          for (const b of batches) {
            const n = b.xShape[0];
            assert.ok(n >= 1 && n <= batchSize, `split "${split}": a batch of ${n} (batchSize ${batchSize})`);
            assert.deepEqual(b.xShape, [n, ...info.inputShape], `split "${split}": x must be [batch, ...inputShape]`);
            assert.deepEqual(b.yShape, [n, info.numClasses], `split "${split}": y must be [batch, numClasses]`);
            assert.ok(b.x.every(Number.isFinite), `split "${split}": x holds non-finite values`);
            for (let r = 0; r < n; r++) {
              const row = b.y.subarray(r * info.numClasses, (r + 1) * info.numClasses);
              assert.ok(row.every((v) => v === 0 || v === 1) && row.reduce((a, v) => a + v, 0) === 1, `split "${split}": label row ${r} is not one-hot: [${row}]`);
            }
            examples += n;
          }
          if (maxBatches === Infinity) assert.equal(examples, info.sizes[split], `split "${split}" served ${examples} examples, its size is ${info.sizes[split]}`);
        }
      },
    },
    {
      name: 'dropRemainder serves only full batches',
      run: async () => {
        const { dataset, info } = await open();
        const batches = await read(dataset, 'train', { dropRemainder: true, batchSize: Math.min(batchSize, info.sizes.train) });
        assert.ok(batches.every((b) => b.xShape[0] === Math.min(batchSize, info.sizes.train)), 'with dropRemainder every batch must be full');
        if (maxBatches === Infinity) assert.equal(batches.length, Math.floor(info.sizes.train / Math.min(batchSize, info.sizes.train)));
      },
    },
    {
      name: 'orders by seed: the same seed and epoch give the same batches; another seed another order; test is unshuffled',
      run: async () => {
        const a = await open();
        const b = await open();
        const train = (dataset: Dataset, seed: number, epoch = 0) => read(dataset, 'train', { seed, epoch, augment: false });
        const first = fingerprint(await train(a.dataset, 7));
        assert.deepEqual(fingerprint(await train(b.dataset, 7)), first, 'two instances with the same options, seed and epoch served different batches');
        assert.deepEqual(fingerprint(await train(a.dataset, 7)), first, 'reading again with the same seed and epoch served different batches');
        if (a.info.sizes.train > 2) {
          assert.notDeepEqual(fingerprint(await train(a.dataset, 8)), first, 'another seed served the train split in the same order: shuffle with the seed');
        }
        const test = splitsWithData(a.info).find((s) => s !== 'train');
        if (test) {
          assert.deepEqual(fingerprint(await read(a.dataset, test, { seed: 1 })), fingerprint(await read(a.dataset, test, { seed: 2 })), `split "${test}" is not served in a fixed order by default (shuffle defaults to train only)`);
        }
      },
    },
    {
      name: 'leaks no tensors, also when the reader stops early',
      run: async () => {
        const { dataset, info } = await open();
        await read(dataset, 'train'); // warm-up (caches, tfjs's first-use tensors)
        await expectNoLeakedTensors('reading every split', async () => {
          for (const split of splitsWithData(info)) await read(dataset, split);
        });
        await expectNoLeakedTensors('reading one batch and stopping', async () => {
          for await (const batch of dataset.batches('train', { batchSize, seed: 3, epoch: 1 })) {
            tf.dispose([batch.x, batch.y]);
            break;
          }
        });
      },
    },
  ];
}

/**
 * The jest suite every dataset must pass: a valid component class with validated options; it
 * loads and describes itself; serves float32 batches of [batch, ...inputShape] with one-hot
 * labels covering each split; full batches with dropRemainder; the same order for the same
 * seed and epoch (another for another seed; evaluation splits unshuffled); no leaked tensors.
 */
export function describeDatasetConformance(options: DatasetConformanceOptions): void {
  registerSuite(`dataset "${options.componentClass.id}" conformance`, datasetConformanceChecks(options));
}
