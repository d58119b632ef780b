import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileDigest } from '../util/digest';

/** What a run folder holds besides run.json (and temp files of an interrupted write). */
function artifactFiles(dir: string, prefix = ''): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(dir, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => !e.name.startsWith('.') && !e.name.endsWith('.tmp') && !(prefix === '' && e.name.startsWith('run.json')))
    .flatMap((e) => {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      return e.isDirectory() ? artifactFiles(dir, rel) : e.isFile() ? [rel] : [];
    })
    .sort();
}

/** SHA-256 of every file a run wrote, by path relative to its folder (recorded in run.json). */
export function artifactDigests(runDir: string): Record<string, string> {
  return Object.fromEntries(artifactFiles(runDir).map((rel) => [rel, fileDigest(path.join(runDir, rel))]));
}
