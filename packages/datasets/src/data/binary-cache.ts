import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { ImageStore } from './image-store';
import { imageBytes } from './image-store';

/** "PBIC": prunebench image cache. */
const MAGIC = 0x43494250;
export const CACHE_FORMAT_VERSION = 1;
export const CACHE_HEADER_BYTES = 32;

/**
 * The cache file layout (all little-endian u32):
 *   0 magic "PBIC" · 4 format version · 8 count · 12 height · 16 width · 20 channels
 *   24 numClasses · 28 CRC-32 of the payload; then the payload: count × h × w × c pixel
 *   bytes (HWC) followed by count label bytes. Labels are one byte, so numClasses ≤ 256.
 */
export function encodeCache(store: ImageStore): Buffer {
  if (store.numClasses > 256) throw new RangeError('the image cache stores labels as bytes (≤ 256 classes)');
  const pixelBytes = store.count * imageBytes(store);
  const file = Buffer.allocUnsafe(CACHE_HEADER_BYTES + pixelBytes + store.count);
  file.set(store.images.subarray(0, pixelBytes), CACHE_HEADER_BYTES);
  file.set(store.labels, CACHE_HEADER_BYTES + pixelBytes);
  const header = [MAGIC, CACHE_FORMAT_VERSION, store.count, ...store.shape, store.numClasses];
  header.forEach((value, i) => file.writeUInt32LE(value, i * 4));
  file.writeUInt32LE(crc32(file.subarray(CACHE_HEADER_BYTES)), 28);
  return file;
}

/** A decoded cache, or why the bytes are not a valid cache. */
export type CacheRead = { store: ImageStore } | { problem: string };

export function decodeCache(file: Buffer): CacheRead {
  if (file.length < CACHE_HEADER_BYTES) return { problem: `only ${file.length} bytes, shorter than the header` };
  if (file.readUInt32LE(0) !== MAGIC) return { problem: 'wrong magic number (not a prunebench image cache)' };
  const version = file.readUInt32LE(4);
  if (version !== CACHE_FORMAT_VERSION) return { problem: `format version ${version}, expected ${CACHE_FORMAT_VERSION}` };
  const [count, height, width, channels, numClasses] = [8, 12, 16, 20, 24].map((at) => file.readUInt32LE(at));
  const shape: [number, number, number] = [height, width, channels];
  const pixelBytes = count * height * width * channels;
  const expected = CACHE_HEADER_BYTES + pixelBytes + count;
  if (file.length !== expected) return { problem: `${file.length} bytes, expected ${expected} (partial write?)` };
  const payload = file.subarray(CACHE_HEADER_BYTES);
  if (crc32(payload) !== file.readUInt32LE(28)) return { problem: 'checksum mismatch (the file is corrupt)' };
  // Views over the file's own memory: no copy of the pixels.
  const images = new Uint8Array(file.buffer, file.byteOffset + CACHE_HEADER_BYTES, pixelBytes);
  const labels = new Uint8Array(file.buffer, file.byteOffset + CACHE_HEADER_BYTES + pixelBytes, count);
  for (let i = 0; i < count; i++) {
    if (labels[i] >= numClasses) return { problem: `label ${labels[i]} of image ${i} is not below ${numClasses}` };
  }
  return { store: { images, labels, count, shape, numClasses } };
}

/** Writes a file atomically: a temporary file in the same folder, then a rename over the target. */
export function writeFileAtomic(file: string, data: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

export interface CacheLoad {
  store: ImageStore;
  /** 'hit': read from the cache; 'miss': built (no cache yet); 'rebuilt': the cache was invalid. */
  status: 'hit' | 'miss' | 'rebuilt';
}

/**
 * Reads `file` if it is a valid cache; otherwise builds the store, writes the cache atomically
 * and returns the built store. An invalid cache (truncated, wrong header, bad checksum) is
 * reported through `warn` and rebuilt; a cache that cannot be written is reported and skipped.
 */
export function loadOrBuildCache(file: string, build: () => ImageStore, warn: (message: string) => void): CacheLoad {
  let status: CacheLoad['status'] = 'miss';
  if (fs.existsSync(file)) {
    const read = decodeCache(fs.readFileSync(file));
    if ('store' in read) return { store: read.store, status: 'hit' };
    warn(`prunebench: the dataset cache ${file} is invalid (${read.problem}); rebuilding it`);
    status = 'rebuilt';
  }
  const store = build();
  try {
    writeFileAtomic(file, encodeCache(store));
  } catch (error) {
    warn(`prunebench: could not write the dataset cache ${file} (${(error as Error).message}); ` +
      'the data will be converted again next time (set PRUNEBENCH_CACHE or the cacheDir option to a writable folder)');
  }
  return { store, status };
}

/** Warnings go to stderr, never stdout (which `--json` keeps for its one document). */
export function warnToStderr(message: string): void {
  process.stderr.write(`${message}\n`);
}
