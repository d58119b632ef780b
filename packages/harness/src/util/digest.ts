import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** SHA-256 (hex) of a file's bytes. */
export function fileDigest(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Every file below `dir`, as `/`-separated paths relative to it, sorted. */
function relativeFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? relativeFiles(dir, rel) : entry.isFile() ? [rel] : [];
    })
    .sort();
}

/**
 * SHA-256 (hex) of a folder: over its files' relative paths (sorted) and contents, so a renamed,
 * added, removed or changed file changes it. Each path and content is length-prefixed, so no two
 * different folders hash the same stream.
 */
export function dirDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const rel of relativeFiles(dir)) {
    const bytes = fs.readFileSync(path.join(dir, rel));
    hash.update(`${Buffer.byteLength(rel)}:${rel}\n${bytes.length}:`).update(bytes).update('\n');
  }
  return hash.digest('hex');
}
