import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DatasetError } from '@prunebench/core';
import { parseCsv } from '../readers/csv';
import { collect, labelsOf, tempFolder, useCpuBackend } from '../testing/fixtures';
import { CsvDataset, type CsvOptions } from './csv';

const root = tempFolder('csv');
beforeAll(useCpuBackend);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function write(name: string, lines: string[]): string {
  const file = path.join(root, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const make = (options: Partial<CsvOptions> & { path: string }) =>
  new CsvDataset({ testFraction: 0.2, normalize: 'none', delimiter: ',', seed: 0, validationSize: 0, ...options });

describe('parseCsv', () => {
  it('reads quoted fields with delimiters, newlines and doubled quotes, CRLF line ends, and skips blank lines', () => {
    expect(parseCsv('a,"b,c",d\r\n\r\n1,"say ""hi""\nthere",3\n')).toEqual([
      ['a', 'b,c', 'd'],
      ['1', 'say "hi"\nthere', '3'],
    ]);
    expect(parseCsv('1;2\n3;4', ';')).toEqual([['1', '2'], ['3', '4']]);
    expect(() => parseCsv('1,"open\n2,3', ',', 'x.csv')).toThrow(/x\.csv: a quoted field opened on line 1 is never closed/);
  });
});

describe('csv dataset', () => {
  it('reads features and integer labels, holds out a stratified test split, and serves the numbers as written', async () => {
    const file = write('plain.csv', Array.from({ length: 20 }, (_, i) => `${i},${2 * i},${i % 2}`));
    const dataset = make({ path: file, testFraction: 0.25 });
    const info = await dataset.load();
    expect(info).toEqual({ inputShape: [2], numClasses: 2, sizes: { train: 15, validation: 0, test: 5 } });
    const before = tf.memory().numTensors;
    const batches = await collect(dataset, 'train', { batchSize: 15, seed: 0, epoch: 0, shuffle: false });
    expect(tf.memory().numTensors).toBe(before);
    const x = batches[0].x;
    const labels = labelsOf(batches[0].y, 2);
    // Every row keeps its own label: feature 1 is twice feature 0, and the label is row parity.
    for (let r = 0; r < 15; r++) {
      expect(x[2 * r + 1]).toBe(2 * x[2 * r]);
      expect(labels[r]).toBe(x[2 * r] % 2);
    }
    const test = await collect(dataset, 'test', { batchSize: 10, seed: 0, epoch: 0 });
    const testRows = test[0].x.filter((_, k) => k % 2 === 0);
    expect(new Set([...testRows, ...x.filter((_, k) => k % 2 === 0)]).size).toBe(20);
  });

  it('takes a header, a named label column of class names (sorted), a test file, an input shape and standardisation', async () => {
    const rows = (n: number, offset: number) => Array.from({ length: n }, (_, i) => `${['dog', 'cat'][i % 2]},${i + offset},${10 * (i + offset)},1,${i}`);
    const train = write('named.csv', ['animal,p0,p1,p2,p3', ...rows(12, 0)]);
    write('named-test.csv', ['animal,p0,p1,p2,p3', ...rows(4, 100)]);
    const dataset = make({ path: train, testPath: 'named-test.csv', label: 'animal', inputShape: [2, 2, 1], normalize: 'standardize', validationSize: 2 });
    const info = await dataset.load();
    expect(info).toMatchObject({ inputShape: [2, 2, 1], numClasses: 2, classNames: ['cat', 'dog'], sizes: { train: 10, validation: 2, test: 4 } });
    const [batch] = await collect(dataset, 'train', { batchSize: 10, seed: 0, epoch: 0 });
    expect(batch.xShape).toEqual([10, 2, 2, 1]);
    // Standardised with the train split's statistics: each varying feature has mean 0, a constant one stays 0.
    for (const f of [0, 1, 3]) expect(Math.abs(batch.x.filter((_, k) => k % 4 === f).reduce((a, b) => a + b, 0))).toBeLessThan(1e-4);
    expect(batch.x.filter((_, k) => k % 4 === 2).every((v) => v === 0)).toBe(true);
    const [test] = await collect(dataset, 'test', { batchSize: 4, seed: 0, epoch: 0 });
    expect(labelsOf(test.y, 2)).toEqual([1, 0, 1, 0]);
  });

  it('refuses what it cannot read, naming the file, row and column', async () => {
    const bad = write('bad.csv', ['x,y,label', '1,2,0', '3,oops,1']);
    await expect(make({ path: bad }).load()).rejects.toThrow(/bad\.csv, row 3, column "y": "oops" is not a number/);
    const ragged = write('ragged.csv', ['1,2,0', '3,1']);
    await expect(make({ path: ragged }).load()).rejects.toThrow(/ragged\.csv, row 2: 2 fields, the first row has 3/);
    const plain = write('shape.csv', Array.from({ length: 10 }, (_, i) => `${i},${i},${i},${i % 2}`));
    await expect(make({ path: plain, inputShape: [2, 2] }).load()).rejects.toThrow(/inputShape \[2,2\] holds 4 values, but .* has 3 feature columns/);
    await expect(make({ path: plain, label: 'kind' }).load()).rejects.toThrow(/no column named "kind"/);
    await expect(make({ path: path.join(root, 'missing.csv') }).load()).rejects.toThrow(DatasetError);
    const oneClass = write('one.csv', ['1,0', '2,0', '3,0']);
    await expect(make({ path: oneClass }).load()).rejects.toThrow(/one class/);
  });
});
