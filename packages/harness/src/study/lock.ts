import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';
import { UsageError } from '@prunebench/core';
import { writeJsonAtomic } from '../util/atomic';

/** The lock proper-lockfile keeps (a folder whose mtime it refreshes while the owner lives). */
export const LOCK_NAME = '.prunebench.lock';
/** Who holds it, beside the lock (proper-lockfile removes its folder with rmdir, so not inside). */
export const LOCK_OWNER_NAME = '.prunebench.lock.json';

/**
 * A lock of another machine whose owner stopped refreshing it this long ago is stale (a crash)
 * and taken over. Generous: one long training step on a slow backend delays the refresh.
 */
const STALE_MS = 60_000;

export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/** Another process is running a study into this results folder: exit code 2. */
export class StudyLockedError extends UsageError {
  constructor(
    readonly dir: string,
    readonly owner: LockOwner | undefined,
  ) {
    super(
      `the results folder ${dir} is in use by another prunebench run ` +
        (owner ? `(pid ${owner.pid} on ${owner.host}, since ${owner.since})` : '(its owner is unknown)') +
        ': wait for it to finish or stop it, or give this run another --out',
    );
  }
}

export interface StudyLock {
  release(): Promise<void>;
  /**
   * Why this process no longer holds the folder, or undefined while it does: proper-lockfile could
   * not refresh the lock (the folder was removed or replaced, or another process took it over).
   */
  lost(): Error | undefined;
  /** Aborted when the lock is lost: nothing more may be written into a folder another process may own. */
  readonly signal: AbortSignal;
}

/** The error a study ends with when its folder's lock was lost while it ran. */
export class StudyLockLostError extends Error {
  constructor(dir: string, cause: Error) {
    super(
      `lost the lock on ${dir} while the study ran (${cause.message}): the folder was removed or replaced, or another process took it over, ` +
        'so this run stopped writing to it (no summary or report); runs finished before that are kept there if the folder is. Run the study again to resume.',
    );
    this.name = 'StudyLockLostError';
  }
}

function readOwner(dir: string): LockOwner | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, LOCK_OWNER_NAME), 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

/** Whether `owner` is a process of this machine that no longer exists (killed, crashed). */
function ownerIsGone(owner: LockOwner | undefined): boolean {
  return owner !== undefined && owner.host === os.hostname() && owner.pid !== process.pid && !processExists(owner.pid);
}

/** Whether `owner` is a live process of this machine (its lock holds, however old its mtime). */
function ownerIsAlive(owner: LockOwner | undefined): boolean {
  return owner !== undefined && owner.host === os.hostname() && (owner.pid === process.pid || processExists(owner.pid));
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Takes the study folder for this process (the folder must exist). A second `prunebench run` on
 * the same folder gets a StudyLockedError saying who holds it. A lock left by a crash is taken
 * over: at once when its owner was a process of this machine that is gone, otherwise (another
 * machine sharing the folder) once proper-lockfile finds it stale (not refreshed for 60 s). Worker threads of the owner, and
 * queue workers, do not lock: only the process that hands out jobs does.
 */
export async function lockStudyFolder(dir: string, timing: { staleMs?: number; updateMs?: number } = {}): Promise<StudyLock> {
  const controller = new AbortController();
  let lostWith: Error | undefined;
  const options: lockfile.LockOptions = {
    realpath: false,
    lockfilePath: path.join(dir, LOCK_NAME),
    stale: timing.staleMs ?? STALE_MS,
    update: timing.updateMs,
    // proper-lockfile's default throws from a timer (an uncaught exception); the study stops instead.
    onCompromised: (error) => {
      if (lostWith) return;
      lostWith = error;
      process.stderr.write(`prunebench: lost the lock on ${dir} (${error.message}); stopping: nothing more is written there\n`);
      controller.abort(new StudyLockLostError(dir, error));
    },
  };
  // proper-lockfile judges staleness by mtime only; a live owner on this machine always holds.
  const current = readOwner(dir);
  if (fs.existsSync(options.lockfilePath!) && ownerIsAlive(current)) throw new StudyLockedError(dir, current);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const owner = readOwner(dir);
    if (!ownerIsGone(owner)) throw new StudyLockedError(dir, owner);
    fs.rmSync(options.lockfilePath!, { recursive: true, force: true });
    try {
      release = await lockfile.lock(dir, options);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'ELOCKED') throw new StudyLockedError(dir, readOwner(dir));
      throw again;
    }
  }
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  writeJsonAtomic(path.join(dir, LOCK_OWNER_NAME), owner);
  // However this process ends short of a kill (a second Ctrl-C's process.exit, an event loop
  // that drained), it leaves no lock behind.
  // A lost lock's files may be another process's by now: they are left alone.
  const removeAtExit = () => {
    if (lostWith) return;
    fs.rmSync(path.join(dir, LOCK_OWNER_NAME), { force: true });
    fs.rmSync(options.lockfilePath!, { recursive: true, force: true });
  };
  process.on('exit', removeAtExit);
  return {
    async release() {
      process.off('exit', removeAtExit);
      if (lostWith) return;
      fs.rmSync(path.join(dir, LOCK_OWNER_NAME), { force: true });
      await release();
    },
    lost: () => lostWith,
    signal: controller.signal,
  };
}
