import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BackendSelection } from '../backend/select';
import type { StudyDefinition } from './definition';
import type { StudyEnvironment } from './environment';
import { executeJob } from './run-job';
import { describeJob, type Job } from './jobs';
import { lastProgressAt, progressed } from '../util/heartbeat';
import { DEFAULT_STALL_SECONDS, watchForStall } from './stall-watch';
import type { ProgressSink, StudyEvent } from './progress';
import type { RunRecord } from './record';
import type { JobRunner } from './dispatcher';
import type { ResultStore } from './store';

const stallSecondsOf = (study: StudyDefinition) => study.stallSeconds ?? DEFAULT_STALL_SECONDS;

/** Runs jobs in this thread, on the backend already selected here. */
export class InProcessRunner implements JobRunner {
  constructor(
    private readonly env: StudyEnvironment,
    private readonly selection: BackendSelection,
    private readonly store: ResultStore,
  ) {}

  /**
   * A run that stalls is abandoned here (its promise may never settle); one that blocks this
   * thread in a loop cannot be stopped in it: more than one worker runs jobs in threads, which are.
   */
  run(job: Job, onEvent: ProgressSink): Promise<RunRecord> {
    progressed();
    const work = executeJob(job, { ...this.env, selection: this.selection, store: this.store, onEvent });
    return watchForStall(work, { seconds: stallSecondsOf(this.env.study), lastProgressAt, doing: () => describeJob(job) });
  }

  async close(): Promise<void> {}
}

/** Messages between the main thread and a study worker. */
export type ToWorker = { type: 'run'; job: Job };
export type FromWorker =
  | { type: 'ready'; backend: string }
  /** The thread made progress (sent at most once a second): the stall watch's sign of life. */
  | { type: 'beat' }
  | { type: 'event'; event: StudyEvent }
  | { type: 'result'; record: RunRecord }
  | { type: 'error'; message: string; stack?: string };

/** The compiled worker entry, or null when running from TypeScript sources (tests). */
export function workerScript(): string | null {
  const script = path.join(__dirname, 'worker.js');
  return __filename.endsWith('.js') && fs.existsSync(script) ? script : null;
}

/**
 * Runs jobs in a worker thread of its own, which has its own tfjs engine and loads the study's
 * plugins and backend itself from the definition the main thread resolved. A worker that dies fails its job
 * and is replaced for the next one.
 */
export class WorkerRunner implements JobRunner {
  private worker: Worker | null = null;

  constructor(
    private readonly script: string,
    private readonly study: StudyDefinition,
    private readonly outDir: string,
  ) {}

  private ensure(): Worker {
    if (!this.worker) {
      this.worker = new Worker(this.script, { workerData: { study: this.study, outDir: this.outDir } });
      this.worker.unref();
    }
    return this.worker;
  }

  /** A run that stalls, hung in a loop or waiting on nothing, has its thread terminated. */
  run(job: Job, onEvent: ProgressSink): Promise<RunRecord> {
    const worker = this.ensure();
    let heardAt = performance.now();
    const work = new Promise<RunRecord>((resolve, reject) => {
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (message: FromWorker) => {
        heardAt = performance.now();
        if (message.type === 'event') onEvent(message.event);
        else if (message.type === 'result') {
          cleanup();
          resolve(message.record);
        } else if (message.type === 'error') {
          cleanup();
          const error = new Error(message.message);
          if (message.stack) error.stack = message.stack;
          reject(error);
        }
      };
      const onError = (error: Error) => {
        cleanup();
        this.worker = null;
        reject(error);
      };
      const onExit = (code: number) => {
        cleanup();
        this.worker = null;
        reject(new Error(`the worker thread exited (code ${code}) while running ${job.id}`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ type: 'run', job } satisfies ToWorker);
    });
    return watchForStall(work, {
      seconds: stallSecondsOf(this.study),
      lastProgressAt: () => heardAt,
      doing: () => describeJob(job),
      onStall: () => {
        if (this.worker === worker) this.worker = null;
        void worker.terminate();
      },
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
