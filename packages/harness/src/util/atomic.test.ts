import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskWriteError, writeDirAtomic, writeFileAtomic, type AtomicFs } from './atomic';

const folder = () => fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-atomic-'));

/** The real fs, but write(2) writes at most `chunk` bytes and the disk fills after `capacity`. */
function flakyFs(options: { chunk: number; capacity?: number }): AtomicFs & { calls: string[] } {
  let used = 0;
  const calls: string[] = [];
  return {
    calls,
    openSync: fs.openSync,
    closeSync: fs.closeSync,
    mkdirSync: fs.mkdirSync,
    rmSync: fs.rmSync,
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      calls.push('rename');
      fs.renameSync(from, to);
    },
    fsyncSync: (fd: number) => {
      calls.push('fsync');
      fs.fsyncSync(fd);
    },
    writeSync: ((fd: number, buffer: Uint8Array, offset: number, length: number) => {
      if (options.capacity !== undefined && used >= options.capacity) {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      const n = Math.min(length, options.chunk, options.capacity === undefined ? Infinity : options.capacity - used);
      used += n;
      return fs.writeSync(fd, buffer, offset, n);
    }) as AtomicFs['writeSync'],
  };
}

describe('writeFileAtomic', () => {
  it('writes every byte when write(2) writes only part of what it is asked', () => {
    const dir = folder();
    const file = path.join(dir, 'report.html');
    const data = Buffer.from('x'.repeat(44_700));
    const io = flakyFs({ chunk: 4096 });
    writeFileAtomic(file, data, io);
    expect(fs.readFileSync(file).equals(data)).toBe(true);
    // The file is flushed before the rename, and the folder after it.
    expect(io.calls).toEqual(['fsync', 'rename', 'fsync']);
    expect(fs.readdirSync(dir)).toEqual(['report.html']);
  });

  it('on a full disk throws a DiskWriteError naming the file, keeps the old content and no temp file', () => {
    const dir = folder();
    const file = path.join(dir, 'summary.md');
    fs.writeFileSync(file, 'old');
    let error: unknown;
    try {
      writeFileAtomic(file, Buffer.alloc(26_000, 1), flakyFs({ chunk: 4096, capacity: 8192 }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DiskWriteError);
    expect((error as DiskWriteError).exitCode).toBe(1);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/disk is full/);
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['summary.md']);
  });

  it('turns a read-only folder into a DiskWriteError too', () => {
    const io: AtomicFs = {
      ...fs,
      openSync: (() => {
        throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
      }) as AtomicFs['openSync'],
    };
    expect(() => writeFileAtomic(path.join(folder(), 'a.json'), '{}', io)).toThrow(/read-only/);
  });
});

describe('writeDirAtomic', () => {
  it('removes its temp folder and leaves the old folder when filling fails', async () => {
    const dir = folder();
    const target = path.join(dir, 'model');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'weights.bin'), 'old');
    await expect(
      writeDirAtomic(target, (temp) => {
        fs.writeFileSync(path.join(temp, 'weights.bin'), 'new');
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      }),
    ).rejects.toThrow(DiskWriteError);
    expect(fs.readdirSync(dir)).toEqual(['model']);
    expect(fs.readFileSync(path.join(target, 'weights.bin'), 'utf8')).toBe('old');
  });
});

// A real full disk: a 64 KiB tmpfs (needs root and a kernel that lets this container mount).
const mountPoint = path.join(os.tmpdir(), `prunebench-tmpfs-${process.pid}`);
fs.mkdirSync(mountPoint, { recursive: true });
const mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint]).status === 0;
afterAll(() => {
  if (mounted) spawnSync('umount', [mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

(mounted ? describe : describe.skip)('on a full tmpfs', () => {
  it('refuses a file that does not fit, leaving the old one whole and no temp file', () => {
    const file = path.join(mountPoint, 'report.html');
    writeFileAtomic(file, Buffer.alloc(20_000, 7));
    expect(() => writeFileAtomic(file, Buffer.alloc(200_000, 9))).toThrow(/cannot write .*report\.html: the disk is full/);
    expect(fs.readFileSync(file).equals(Buffer.alloc(20_000, 7))).toBe(true);
    expect(fs.readdirSync(mountPoint)).toEqual(['report.html']);
  });
});
