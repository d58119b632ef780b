import * as fs from 'node:fs';
import * as path from 'node:path';

let counter = 0;
function tempName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.${counter++}.tmp`);
}

/**
 * Writes a file so that readers see the old content or the new, never a part: write a temp
 * file beside it, flush it to disk, then rename over the target.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = tempName(target);
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, target);
}

export function writeJsonAtomic(target: string, value: unknown): void {
  writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Fills a folder atomically: `fill` writes into a temp folder beside `target`, which is then
 * renamed into place (replacing an older one). A crash leaves only a `.tmp` folder behind.
 */
export async function writeDirAtomic(target: string, fill: (dir: string) => Promise<void> | void): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = tempName(target);
  fs.mkdirSync(temp);
  try {
    await fill(temp);
    if (fs.existsSync(target)) {
      const old = tempName(target);
      fs.renameSync(target, old);
      fs.renameSync(temp, target);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(temp, target);
    }
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}
