// Every built-in dataset against the conformance kit, exactly as a third-party dataset runs it.
// File-backed datasets read tiny files in their real formats, written to a temp folder here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { describeDatasetConformance, useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { cifarPixel, cifarRecord, tempFolder } from './testing/fixtures';
import { plugin } from './index';

// The kit runs on the backend its caller sets up: the one users get.
beforeAll(() => useBackend(wasmBackend));

const root = tempFolder('conformance');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function writeCifar(): { cifar10: string; cifar100: string } {
  const cifar10 = path.join(root, 'cifar10');
  const cifar100 = path.join(root, 'cifar100');
  fs.mkdirSync(cifar10);
  fs.mkdirSync(cifar100);
  let i = 0;
  for (let b = 1; b <= 5; b++) {
    const records = Array.from({ length: 5 }, () => cifarRecord([i % 10], cifarPixel(i++)));
    fs.writeFileSync(path.join(cifar10, `data_batch_${b}.bin`), Buffer.concat(records));
  }
  fs.writeFileSync(path.join(cifar10, 'test_batch.bin'), Buffer.concat(Array.from({ length: 7 }, (_, t) => cifarRecord([t % 10], cifarPixel(100 + t)))));
  const write = (name: string, n: number) =>
    fs.writeFileSync(path.join(cifar100, name), Buffer.concat(Array.from({ length: n }, (_, k) => cifarRecord([k % 20, (k * 7) % 100], cifarPixel(k)))));
  write('train.bin', 25);
  write('test.bin', 7);
  return { cifar10, cifar100 };
}

function writeImageFolder(): string {
  const folder = path.join(root, 'images');
  for (const [split, count] of [['train', 5], ['val', 2]] as const) {
    for (const [name, red] of [['cat', 200], ['dog', 20]] as const) {
      fs.mkdirSync(path.join(folder, split, name), { recursive: true });
      for (let k = 0; k < count; k++) {
        const png = new PNG({ width: 10 + k, height: 9 });
        for (let p = 0; p < png.width * png.height; p++) png.data.set([red, (p * 5 + k * 17) % 256, 40, 255], p * 4);
        fs.writeFileSync(path.join(folder, split, name, `${k}.png`), PNG.sync.write(png));
      }
    }
  }
  return folder;
}

function writeCsv(): string {
  const file = path.join(root, 'table.csv');
  const rows = Array.from({ length: 40 }, (_, i) => `${(i * 0.37) % 5},${-i / 7},${i % 3},${['cat', 'dog', 'eel'][i % 3]}`);
  fs.writeFileSync(file, ['a,b,c,species', ...rows].join('\n') + '\n');
  return file;
}

const { cifar10, cifar100 } = writeCifar();
const csv = writeCsv();
const images = writeImageFolder();
const small = { trainSize: 40, testSize: 20 };

const sampleOptions: Record<string, Record<string, unknown>> = {
  'fashion-mnist': small,
  mnist: small,
  cifar10: { path: cifar10 },
  cifar100: { path: cifar100 },
  imagefolder: { path: images, imageSize: 6 },
  synthetic: { inputShape: [6, 6, 2], numClasses: 3, trainSize: 30, testSize: 9, validationSize: 6 },
  csv: { path: csv, validationSize: 6, normalize: 'standardize' },
};
const invalidOptions: Record<string, Array<Record<string, unknown>>> = {
  cifar10: [{}],
  imagefolder: [{}],
  synthetic: [{ numClasses: 1 }, { inputShape: [0, 4] }],
  csv: [{}, { path: csv, testFraction: 1 }],
};

for (const componentClass of plugin.datasets) {
  describeDatasetConformance({
    componentClass,
    options: sampleOptions[componentClass.id],
    invalidOptions: invalidOptions[componentClass.id],
    batchSize: 8,
  });
}
