import { PrunebenchError } from '@prunebench/core';
import { DiskWriteError } from '../util/atomic';
import { describeJob, jobLabels } from './jobs';
import type { JobBase } from './kinds/job-kind';
import type { ProgressSink } from './progress';
import type { RunRecord } from './record';
import type { ResultStore } from './store';

/** Runs one job at a time: in this thread, or in a worker thread it owns. */
export interface JobRunner {
  run(job: JobBase, onEvent: ProgressSink): Promise<RunRecord>;
  close(): Promise<void>;
}

/*
 * The job dispatcher: hands a study's jobs to runners as their dependencies finish. (A retraining
 * "schedule" is something else: the LR curve of a retraining, schedules/.)
 */

/**
 * Runs every job not already complete in the store, each as soon as its dependencies are,
 * on as many runners as given. A job whose dependency failed is recorded as failed (and so is
 * retried with it on resume); a job that throws is recorded as failed; the study goes on —
 * unless the disk could not take a run's files (a DiskWriteError): then no more jobs start and
 * runJobs throws, naming the file, once the runs in flight end. Each record is written (atomically) the moment its job ends, so a kill loses only the runs
 * in flight.
 */
export async function runJobs(options: {
  jobs: readonly JobBase[];
  store: ResultStore;
  runners: readonly JobRunner[];
  onEvent: ProgressSink;
  /** Stop handing out jobs (e.g. on SIGINT); jobs in flight finish. */
  signal?: AbortSignal;
  /** Template for records of jobs that never ran (versions, config file). */
  baseRecord: Pick<RunRecord, 'configFile' | 'versions'>;
}): Promise<void> {
  const { jobs, store, runners, onEvent, signal, baseRecord } = options;
  const pending = jobs.filter((job) => !store.isComplete(job.id));
  const status = new Map<string, RunRecord['status'] | 'running'>();
  for (const job of jobs) {
    const record = store.read(job.id);
    if (record && store.isComplete(job.id)) status.set(job.id, record.status);
  }
  const idle = [...runners];
  const inFlight = new Set<Promise<void>>();

  const recordSkip = (job: JobBase, reason: string) => {
    store.write(failedRecord(job, reason, baseRecord));
    status.set(job.id, 'failed');
    onEvent({ type: 'job-skipped', jobId: job.id, label: describeJob(job), reason });
  };

  // A disk that cannot take a run's files will not take the next one's: stop, and say why.
  let diskFull: string | undefined;

  // A diverged original is a result: what would prune or retrain it is not run (and not retried).
  const recordNotRun = (job: JobBase) => {
    const reason = 'not run: the original diverged';
    store.write({ ...failedRecord(job, reason, baseRecord), status: 'not-run' });
    status.set(job.id, 'not-run');
    onEvent({ type: 'job-skipped', jobId: job.id, label: describeJob(job), reason });
  };

  for (;;) {
    // Hand out every job that can start.
    for (let i = 0; i < pending.length && idle.length && !signal?.aborted && !diskFull; ) {
      const job = pending[i];
      const depStates = job.deps.map((dep) => status.get(dep));
      const blocked = job.deps.find((dep) => ['failed', 'diverged', 'not-run'].includes(status.get(dep) ?? ''));
      if (blocked) {
        pending.splice(i, 1);
        if (status.get(blocked) === 'failed') recordSkip(job, `skipped: it needs ${blocked}, which failed`);
        else recordNotRun(job);
        continue;
      }
      if (depStates.some((s) => s !== 'finished')) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      const runner = idle.pop()!;
      status.set(job.id, 'running');
      const started = performance.now();
      const task = runner
        .run(job, onEvent)
        .catch((error: unknown) => {
          // The runner ended without a record (stalled, abandoned, its thread died): shown as the run's end.
          const record = failedRecord(job, (error as Error)?.stack ?? String(error), baseRecord);
          onEvent({ type: 'job-end', jobId: job.id, label: describeJob(job), status: 'failed', summary: (record.error ?? '').split('\n')[0], seconds: (performance.now() - started) / 1000 });
          return record;
        })
        .then((record) => {
          store.write(record);
          if (record.status === 'failed' && record.error?.startsWith(`${DiskWriteError.name}:`)) diskFull ??= record.error.split('\n')[0];
          status.set(job.id, record.status);
          idle.push(runner);
        });
      const tracked: Promise<void> = task.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
    // A turn of the event loop between jobs, so a signal (SIGINT, SIGTERM) is seen before the next starts.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (diskFull) throw new PrunebenchError(`the study stopped: ${diskFull.slice(DiskWriteError.name.length + 2)}`);
}

/** The record of a job that failed without producing one (it threw, or was skipped). */
export function failedRecord(job: JobBase, error: string, base: Pick<RunRecord, 'configFile' | 'versions'>): RunRecord {
  const now = new Date().toISOString();
  return { id: job.id, kind: job.kind, status: 'failed', error, seed: job.seed, ...jobLabels(job), definition: job.definition, ...base, startedAt: now, finishedAt: now };
}
