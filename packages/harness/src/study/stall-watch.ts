import { oneLineError } from '../util/one-line-error';

/** What a run may go without progress for, unless the config's `stallSeconds` says otherwise. */
export const DEFAULT_STALL_SECONDS = 900;

export interface StallWatchOptions {
  seconds: number;
  /** When the run last made progress (performance.now() milliseconds). */
  lastProgressAt: () => number;
  /** What the run is doing, for the message ("prune l1/uniform, seed 0: criterion … score()"). */
  doing: () => string;
  /** Called once when the run stalls, before the rejection (a worker thread is terminated here). */
  onStall?: () => void;
  /** A stop: the work is abandoned at once (a trial before the study, nothing to keep). */
  signal?: AbortSignal;
}

/**
 * `work`, or a RunStalledError (one line) once it has made no progress for `seconds`. The timer that checks
 * is a ref'd interval: while a run is pending, the process cannot run out of things to do and exit
 * (a plugin's promise that never settles holds nothing that keeps the event loop alive).
 */
export function watchForStall<T>(work: Promise<T>, options: StallWatchOptions): Promise<T> {
  const limitMs = options.seconds * 1000;
  return new Promise<T>((resolve, reject) => {
    const stop = () => {
      clearInterval(timer);
      reject(oneLineError('RunAbandonedError', `abandoned: stopped during ${options.doing()}`));
    };
    const timer = setInterval(
      () => {
        if (performance.now() - options.lastProgressAt() < limitMs) return;
        clearInterval(timer);
        options.signal?.removeEventListener('abort', stop);
        options.onStall?.();
        reject(oneLineError('RunStalledError', `stalled: no progress for ${options.seconds} s (stallSeconds) during ${options.doing()}; the run was stopped`));
      },
      Math.min(1000, Math.max(20, limitMs / 4)),
    );
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
    work.then(
      (value) => {
        clearInterval(timer);
        options.signal?.removeEventListener('abort', stop);
        resolve(value);
      },
      (error: unknown) => {
        clearInterval(timer);
        options.signal?.removeEventListener('abort', stop);
        reject(error);
      },
    );
  });
}
