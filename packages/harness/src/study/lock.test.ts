import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LOCK_NAME, LOCK_OWNER_NAME, lockStudyFolder, StudyLockedError, StudyLockLostError } from './lock';

const folder = () => fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-lock-'));

describe('lockStudyFolder', () => {
  it('refuses a second holder, saying who holds the folder (exit 2), and frees it on release', async () => {
    const dir = folder();
    const lock = await lockStudyFolder(dir);
    const error = await lockStudyFolder(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudyLockedError);
    expect((error as StudyLockedError).exitCode).toBe(2);
    expect((error as Error).message).toContain(`pid ${process.pid} on ${os.hostname()}, since `);
    await lock.release();
    expect(fs.readdirSync(dir)).toEqual([]);
    await (await lockStudyFolder(dir)).release();
  });

  it('takes over at once a lock whose owner on this machine is gone (a kill -9)', async () => {
    const dir = folder();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.mkdirSync(path.join(dir, LOCK_NAME));
    fs.writeFileSync(path.join(dir, LOCK_OWNER_NAME), JSON.stringify({ pid: Number(dead.stdout), host: os.hostname(), since: '2026-01-01T00:00:00Z' }));
    const lock = await lockStudyFolder(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_OWNER_NAME), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock of another machine once it is stale (not refreshed for 60 s), never a live local one', async () => {
    const dir = folder();
    const lockDir = path.join(dir, LOCK_NAME);
    fs.mkdirSync(lockDir);
    fs.writeFileSync(path.join(dir, LOCK_OWNER_NAME), JSON.stringify({ pid: 1, host: 'elsewhere', since: '2026-01-01T00:00:00Z' }));
    await expect(lockStudyFolder(dir)).rejects.toThrow(/pid 1 on elsewhere/);
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(lockDir, old, old);
    await (await lockStudyFolder(dir)).release();

    // A live owner on this machine (this process, as far as the file says) holds however old the mtime.
    fs.mkdirSync(lockDir);
    fs.utimesSync(lockDir, old, old);
    fs.writeFileSync(path.join(dir, LOCK_OWNER_NAME), JSON.stringify({ pid: process.pid, host: os.hostname(), since: '2026-01-01T00:00:00Z' }));
    await expect(lockStudyFolder(dir)).rejects.toThrow(StudyLockedError);
  });

  it('a lost lock (its folder removed and made again by another run) aborts the holder, which then leaves the new owner\'s lock alone', async () => {
    const dir = folder();
    const lock = await lockStudyFolder(dir, { staleMs: 2000, updateMs: 500 });
    expect(lock.lost()).toBeUndefined();
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir);
      const aborted = new Promise((resolve) => lock.signal.addEventListener('abort', resolve, { once: true }));
      await aborted;
      expect(lock.lost()?.message).toEqual(expect.any(String));
      expect(lock.signal.reason).toBeInstanceOf(StudyLockLostError);
      expect((lock.signal.reason as Error).message).toMatch(/lost the lock on .* so this run stopped writing to it \(no summary or report\).*Run the study again to resume/);
      expect(stderr.mock.calls.map(([text]) => String(text)).join('')).toContain('stopping: nothing more is written there');
      // Another run takes the folder; the old holder's release must not free it.
      const next = await lockStudyFolder(dir);
      await lock.release();
      expect(fs.existsSync(path.join(dir, LOCK_NAME))).toBe(true);
      await expect(lockStudyFolder(dir)).rejects.toThrow(StudyLockedError);
      await next.release();
    } finally {
      stderr.mockRestore();
    }
  });
});
