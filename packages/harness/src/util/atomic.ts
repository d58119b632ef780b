import * as fs from 'node:fs';
import * as path from 'node:path';
import { PrunebenchError } from '@prunebench/core';

/**
 * A file could not be written (disk full, no permission, read-only file system). Exit code 1:
 * nothing half-written was left in place, and the same command works once the disk is fixed.
 */
export class DiskWriteError extends PrunebenchError {
  constructor(
    readonly file: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot write ${file}: ${DISK_PROBLEMS[code] ?? code}; nothing was left half-written (fix it and run the same command again)`, options);
  }
}

const DISK_PROBLEMS: Record<string, string> = {
  ENOSPC: 'the disk is full (ENOSPC): free some space',
  EDQUOT: 'the disk quota is exhausted (EDQUOT): free some space',
  EACCES: 'permission denied (EACCES): make the folder writable or choose another --out',
  EPERM: 'operation not permitted (EPERM): make the folder writable or choose another --out',
  EROFS: 'the file system is read-only (EROFS): choose another --out',
};

/** Errors of the disk rather than of the program: reported as DiskWriteError, not a stack trace. */
export function asDiskWriteError(error: unknown, file: string): unknown {
  if (error instanceof DiskWriteError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code && code in DISK_PROBLEMS ? new DiskWriteError(file, code, { cause: error }) : error;
}

/** The calls the atomic writers make, so tests can inject short writes and full disks. */
export type AtomicFs = Pick<typeof fs, 'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'rmSync' | 'mkdirSync'>;

let counter = 0;
/** What `tempName` makes: `.<name>.<pid>.<ms>.<n>.tmp`, and the pid that made it. */
const TEMP_NAME = /^\..+\.(\d+)\.\d+\.\d+\.tmp$/;

/** The pid that wrote a temp file or folder of the atomic writers, or undefined for any other name. */
export function tempWriterPid(name: string): number | undefined {
  const match = TEMP_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

function tempName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.${counter++}.tmp`);
}

/** Writes every byte: `write(2)` may write fewer than asked (and says so), so loop until done. */
function writeAll(io: AtomicFs, fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length; ) {
    const written = io.writeSync(fd, bytes, offset, bytes.length - offset);
    if (!(written > 0)) throw Object.assign(new Error(`write returned ${written} at byte ${offset} of ${bytes.length}`), { code: 'EIO' });
    offset += written;
  }
}

/** Flushes a folder's entries (the rename) to disk. Some file systems cannot: that is no error. */
function fsyncDir(io: AtomicFs, dir: string): void {
  let fd: number | undefined;
  try {
    fd = io.openSync(dir, 'r');
    io.fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
  } finally {
    if (fd !== undefined) io.closeSync(fd);
  }
}

/**
 * Writes a file so that readers see the old content or the new, never a part: every byte goes
 * to a temp file beside it, which is flushed to disk, renamed over the target, and the folder
 * flushed too. On any error the temp file is removed and the target is untouched; disk
 * problems (ENOSPC, EACCES, EROFS, ...) become a DiskWriteError naming the file.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array, io: AtomicFs = fs): void {
  const temp = tempName(target);
  let created = false;
  try {
    io.mkdirSync(path.dirname(target), { recursive: true });
    const fd = io.openSync(temp, 'w');
    created = true;
    try {
      writeAll(io, fd, typeof data === 'string' ? Buffer.from(data) : data);
      io.fsyncSync(fd);
    } finally {
      io.closeSync(fd);
    }
    io.renameSync(temp, target);
    created = false;
    fsyncDir(io, path.dirname(target));
  } catch (error) {
    if (created) io.rmSync(temp, { force: true });
    throw asDiskWriteError(error, target);
  }
}

export function writeJsonAtomic(target: string, value: unknown, io: AtomicFs = fs): void {
  writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`, io);
}

/** Flushes every file below `dir` to disk (what `fill` wrote with plain writeFileSync). */
function fsyncTree(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) fsyncTree(file);
    else if (entry.isFile()) {
      const fd = fs.openSync(file, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
  fsyncDir(fs, dir);
}

/**
 * Fills a folder atomically: `fill` writes into a temp folder beside `target`, whose files are
 * flushed to disk before it is renamed into place (replacing an older one). A crash leaves only
 * a `.tmp` folder behind; any error removes it, and disk problems become a DiskWriteError.
 */
export async function writeDirAtomic(target: string, fill: (dir: string) => Promise<void> | void): Promise<void> {
  const temp = tempName(target);
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.mkdirSync(temp);
    await fill(temp);
    fsyncTree(temp);
    if (fs.existsSync(target)) {
      const old = tempName(target);
      fs.renameSync(target, old);
      fs.renameSync(temp, target);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(temp, target);
    }
    fsyncDir(fs, path.dirname(target));
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw asDiskWriteError(error, target);
  }
}
