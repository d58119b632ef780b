import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** sha256 (hex) of one file's contents. */
export function fileDigest(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * sha256 (hex) of a folder: every file below it, in sorted relative-path order (`/`-separated),
 * each contributing its path and its contents, so a rename, an edit, an added or a removed
 * file all change it. Symbolic links are followed.
 */
export function dirDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const relative of listFiles(dir)) {
    const contents = fs.readFileSync(path.join(dir, relative));
    hash.update(`${relative}\u0000${contents.length}\u0000`);
    hash.update(contents);
  }
  return hash.digest('hex');
}

function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      const stat = entry.isSymbolicLink() ? fs.statSync(path.join(root, child)) : entry;
      if (stat.isDirectory()) walk(child);
      else if (stat.isFile()) files.push(child);
    }
  };
  walk('');
  return files.sort();
}
