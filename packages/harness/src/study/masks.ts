import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WeightMasks } from '@prunebench/core';

const MAGIC = 'PBMASK1\n';

/**
 * Serialises weight masks: a magic line, a JSON line naming each mask and its length, then one
 * byte (0 or 1) per weight. Masks are binary, so bytes keep the file 4× smaller than floats.
 */
export function saveMasks(masks: WeightMasks): Uint8Array {
  const entries = [...masks.entries()];
  const header = Buffer.from(`${MAGIC}${JSON.stringify(entries.map(([name, mask]) => ({ name, length: mask.length })))}\n`);
  const total = entries.reduce((n, [, mask]) => n + mask.length, 0);
  const out = new Uint8Array(header.length + total);
  out.set(header, 0);
  let offset = header.length;
  for (const [, mask] of entries) {
    for (let i = 0; i < mask.length; i++) out[offset + i] = mask[i] !== 0 ? 1 : 0;
    offset += mask.length;
  }
  return out;
}

export function parseMasks(bytes: Uint8Array, file = 'masks.bin'): WeightMasks {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.subarray(0, MAGIC.length).toString() !== MAGIC) throw new Error(`${file}: not a prunebench mask file`);
  const newline = buffer.indexOf(10, MAGIC.length);
  const entries = JSON.parse(buffer.subarray(MAGIC.length, newline).toString()) as Array<{ name: string; length: number }>;
  const masks: WeightMasks = new Map();
  let offset = newline + 1;
  for (const { name, length } of entries) {
    if (offset + length > buffer.length) throw new Error(`${file}: truncated at byte ${buffer.length} (mask "${name}" needs ${length} bytes from ${offset})`);
    masks.set(name, Float32Array.from(buffer.subarray(offset, offset + length)));
    offset += length;
  }
  return masks;
}

/** The masks a prune run left in its folder, or undefined for a structured pruner. */
export function loadMasks(runDir: string): WeightMasks | undefined {
  const file = path.join(runDir, 'masks.bin');
  if (!fs.existsSync(file)) return undefined;
  return parseMasks(fs.readFileSync(file), file);
}
