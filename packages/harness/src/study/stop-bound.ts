import { oneLineError } from '../util/one-line-error';
import type { JobRunner } from './dispatcher';

/** After the first stop signal, how long runs in flight get to finish (at most) before they are abandoned. */
export const STOP_GRACE_SECONDS = 30;

/**
 * `runner`, bounded by `signal`: once it aborts, a run still in flight after `graceSeconds` is
 * abandoned — the runner is closed (a worker thread is terminated) and the run fails saying so —
 * so a stopped study ends within a known time even when a run hangs.
 */
export function boundedByStop(runner: JobRunner, signal: AbortSignal | undefined, graceSeconds: number): JobRunner {
  if (!signal) return runner;
  return {
    run(job, onEvent) {
      const work = runner.run(job, onEvent);
      return new Promise((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const startGrace = () => {
          timer = setTimeout(() => {
            void runner.close();
            reject(oneLineError('RunAbandonedError', `abandoned: the study was stopped and this run did not end within ${graceSeconds} s`));
          }, graceSeconds * 1000);
        };
        const settle = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', startGrace);
        };
        if (signal.aborted) startGrace();
        else signal.addEventListener('abort', startGrace, { once: true });
        work.then(
          (record) => {
            settle();
            resolve(record);
          },
          (error: unknown) => {
            settle();
            reject(error);
          },
        );
      });
    },
    close: () => runner.close(),
  };
}
