import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempWriterPid } from './atomic';

/**
 * Removes the temp files and folders that atomic writes of an earlier process left under `dir`
 * (a kill between writing and renaming). Only those of another pid: the caller holds the
 * folder's lock, so no other writer of this machine is alive, and this process's own writes in
 * flight are left alone. Returns the removed paths, relative to `dir`.
 */
export function removeTempLeftovers(dir: string): string[] {
  const removed: string[] = [];
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = rel ? path.join(rel, entry.name) : entry.name;
      const pid = tempWriterPid(entry.name);
      if (pid !== undefined && pid !== process.pid) {
        fs.rmSync(path.join(dir, child), { recursive: true, force: true });
        removed.push(child);
      } else if (entry.isDirectory()) {
        walk(child);
      }
    }
  };
  walk('');
  return removed;
}
