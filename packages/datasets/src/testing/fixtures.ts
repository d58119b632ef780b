// Test helpers: tiny dataset files in the exact on-disk formats, and batch collection.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import type { BatchOptions, Dataset, SplitName } from '@prunebench/core';

export async function useCpuBackend(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
}

export function tempFolder(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `prunebench-${prefix}-`));
}

/** An IDX file of unsigned bytes: 00 00 08 ndims, big-endian dims, data. */
export function idxBytes(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** Pixel value of image i at pixel p, distinct enough to catch mix-ups. */
export const pixelOf = (i: number, p: number) => (i * 37 + p * 11) % 256;

/** Writes train-/t10k- images+labels IDX files (gzipped if asked) of `side`×`side` images. */
export function writeIdxFolder(folder: string, counts: { train: number; t10k: number }, options: { gzip?: boolean; side?: number } = {}) {
  const side = options.side ?? 28;
  for (const split of ['train', 't10k'] as const) {
    const n = counts[split];
    const images = new Uint8Array(n * side * side).map((_, k) => pixelOf(Math.floor(k / (side * side)), k % (side * side)));
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const write = (name: string, bytes: Buffer) =>
      fs.writeFileSync(path.join(folder, options.gzip ? `${name}.gz` : name), options.gzip ? gzipSync(bytes) : bytes);
    write(`${split}-images-idx3-ubyte`, idxBytes([n, side, side], images));
    write(`${split}-labels-idx1-ubyte`, idxBytes([n], labels));
  }
}

/** A CIFAR binary record: label byte(s) then R plane, G plane, B plane (32×32 each). */
export function cifarRecord(labels: number[], pixel: (channel: number, y: number, x: number) => number): Buffer {
  const record = Buffer.alloc(labels.length + 3072);
  labels.forEach((l, i) => (record[i] = l));
  for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) record[labels.length + c * 1024 + y * 32 + x] = pixel(c, y, x);
  return record;
}

export const cifarPixel = (i: number) => (c: number, y: number, x: number) => (i * 7 + c * 50 + y * 3 + x) % 256;

/** Every batch of a split as plain arrays (tensors disposed). */
export async function collect(dataset: Dataset, split: SplitName, options: BatchOptions) {
  const batches: Array<{ x: Float32Array; y: Float32Array; xShape: number[]; yShape: number[] }> = [];
  for await (const batch of dataset.batches(split, options)) {
    batches.push({ x: batch.x.dataSync() as Float32Array, y: batch.y.dataSync() as Float32Array, xShape: batch.x.shape, yShape: batch.y.shape });
    expect(batch.x.dtype).toBe('float32');
    expect(batch.y.dtype).toBe('float32');
    tf.dispose([batch.x, batch.y]);
  }
  return batches;
}

/** Class index of each one-hot row. */
export function labelsOf(y: Float32Array, numClasses: number): number[] {
  const labels: number[] = [];
  for (let r = 0; r < y.length / numClasses; r++) {
    const row = Array.from(y.subarray(r * numClasses, (r + 1) * numClasses));
    expect(row.reduce((a, b) => a + b, 0)).toBe(1);
    labels.push(row.indexOf(1));
  }
  return labels;
}
