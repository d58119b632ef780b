import { CORE_VERSION, UsageError } from '@prunebench/core';
import * as tf from '@tensorflow/tfjs-core';
import { Queue, QueueEvents } from 'bullmq';
import { openStudy, unloadablePlugins, type StudySource } from '../study/environment';
import { describeJob, expandStudy, type Job } from '../study/jobs';
import { liveStatusWriter } from '../serve/live-status';
import { StudyEta } from '../study/eta';
import { predictedRuns, predictRuns } from '../study/plan';
import { createProgressPrinter, type ProgressSink, type StudyEvent } from '../study/progress';
import type { RunRecord } from '../study/record';
import { writeReport } from '../study/report';
import { StudyLockLostError } from '../study/lock';
import { prepareStudy, RunsFailedError, type StudyOutcome } from '../study/run-study';
import { failedRecord } from '../study/dispatcher';
import { ResultStore } from '../study/store';
import { parseQueueUrl } from './connection';
import { boundedClose, unfixableErrors } from './fail-fast';
import { QUEUE_NAME, queueEntry, queueJobId, studyKey, type QueueEntry, type QueuedJobData, type StudyTag } from './queued-job';

export interface QueueRunOptions {
  url: string;
  write: (text: string) => void;
  isTTY: boolean;
  /** Detach (the workers go on; the same command re-attaches). */
  signal?: AbortSignal;
  onEvent?: ProgressSink;
  /**
   * Called once the results folder is known, before anything is written to it; what it returns
   * is called when the coordinator is done. The hook for the results-folder lock (issue 19).
   */
  holdResultsFolder?: (out: string) => Promise<() => Promise<void>>;
}

/** How far each run of the study is, as the coordinator knows it. */
type RunState = 'open' | 'ended';

/** The coordinator was stopped before every run ended; the workers go on (exit code 1). */
export class DetachedError extends RunsFailedError {}

/**
 * Runs a study on a BullMQ queue: resolves it once, adds every run that can start (those whose
 * dependencies are finished; finished runs are not added again), then follows the workers'
 * progress through QueueEvents until every run has ended, and writes the summary and report.
 * Job ids are the runs' ids, so a restarted coordinator re-attaches to the runs in flight; a run
 * that failed for good in an earlier attempt is retried, as a local resume redoes failed runs.
 */
export async function runStudyOnQueue(source: StudySource, options: QueueRunOptions): Promise<StudyOutcome> {
  // Resolved, checked, locked and pinned as a local study is; the workers get this definition.
  const prepared = await prepareStudy(source);
  const { study } = prepared.env;
  const inline = unloadablePlugins(study);
  if (inline.length) {
    await prepared.release();
    throw new UsageError(
      `plugin objects passed in the config (${inline.join(', ')}) exist only in this process, so queue workers cannot load them: ` +
        'name them by package or path in "plugins"',
    );
  }
  const release = () => prepared.release();
  const connection = parseQueueUrl(options.url);
  const queue = new Queue<QueuedJobData>(QUEUE_NAME, { connection: connection.options });
  let events: QueueEvents | undefined;
  let live: ReturnType<typeof liveStatusWriter> | undefined;
  // ioredis repeats a connection error on every reconnect attempt: say each once.
  let lastError = '';
  // Wrong credentials or missing rights: no reconnect fixes them, so the coordinator stops at once.
  const unfixable = unfixableErrors(connection.display);
  const onError = (error: Error) => {
    if (unfixable.report(error)) return;
    if (error.message !== lastError) options.write(`queue ${connection.display}: ${error.message} (reconnecting)\n`);
    lastError = error.message;
  };
  queue.on('error', onError);
  const follow = async (): Promise<StudyOutcome> => {
    const { jobs, store } = prepared;
    const tag: StudyTag = { key: studyKey(study), out: study.out, totalJobs: jobs.length };
    const byQueueId = new Map(jobs.map((job) => [queueJobId(tag.key, job.id), job]));
    // Finished before this coordinator started following: counted as kept, not announced.
    const kept = new Set(jobs.filter((job) => store.isComplete(job.id)).map((job) => job.id));
    const resumed = kept.size;

    // The cost model's ETA, calibrated on this machine and rescaled by the workers' measured pace.
    const eta = await predictRuns(prepared.env, jobs).then(
      ({ seconds }) => new StudyEta(predictedRuns(jobs, seconds), 'observed', kept),
      () => undefined,
    );
    const printer = createProgressPrinter({ write: options.write, isTTY: options.isTTY, totalJobs: jobs.length, alreadyDone: resumed, signal: options.signal, eta });
    // What `prunebench serve` shows of the runs the workers have in flight (live.json).
    const writer = liveStatusWriter(study.out);
    live = writer;
    const onEvent: ProgressSink = (event) => {
      printer(event);
      writer.sink(event);
      options.onEvent?.(event);
    };
    await queue.waitUntilReady();
    onEvent({ type: 'phase', message: `Queue ${connection.display}: ${jobs.length - resumed} of ${jobs.length} runs to do; results in ${study.out}` });
    for (const message of prepared.notices) onEvent({ type: 'phase', message });
    if (resumed) onEvent({ type: 'phase', message: `Resuming: ${resumed} runs already finished are kept.` });

    const state = new Map<string, RunState>();
    const announced = new Set<string>();
    const baseRecord: Pick<RunRecord, 'configFile' | 'versions'> = {
      configFile: study.configFile,
      versions: { prunebench: CORE_VERSION, tfjs: tf.version_core, backend: prepared.selection.name },
    };
    let settle: () => void = () => {};
    const allEnded = new Promise<void>((resolve) => (settle = resolve));
    const checkDone = () => {
      if (jobs.every((job) => state.get(job.id) === 'ended')) settle();
    };
    /** A run ended without a result to build on: the runs that need it are recorded as skipped. */
    const skipDependents = (job: Job, why: string) => {
      for (const dependent of jobs.filter((j) => j.deps.includes(job.id))) {
        if (state.get(dependent.id) === 'ended') continue;
        const reason = `skipped: it needs ${job.id}, which ${why}`;
        store.write(failedRecord(dependent, reason, baseRecord));
        state.set(dependent.id, 'ended');
        onEvent({ type: 'job-skipped', jobId: dependent.id, label: describeJob(dependent), reason });
        skipDependents(dependent, 'was skipped');
      }
    };
    const runEnded = (job: Job) => {
      state.set(job.id, 'ended');
      const record = store.read(job.id);
      if (record?.status !== 'finished') skipDependents(job, record?.status ?? 'failed');
    };

    // Listen before reading the queue, so what ends while it is read is heard; what ended in the
    // moment before the listener's first read is found by the second look below.
    events = new QueueEvents(QUEUE_NAME, { connection: connection.options });
    events.on('progress', ({ jobId, data }) => {
      const job = byQueueId.get(jobId);
      if (!job || state.get(job.id) === 'ended') return;
      const event = data as unknown as StudyEvent;
      if (event.type === 'job-end' && event.status === 'failed') {
        onEvent({ type: 'phase', message: `attempt failed: ${event.label} — ${event.summary}` });
      } else if (event.type === 'job-end') {
        // Once per run, however many workers attempted it.
        if (!announced.has(job.id)) onEvent(event);
        announced.add(job.id);
      } else if (event.type === 'job-start' || event.type === 'job-progress') {
        onEvent(event);
      }
    });
    const onCompleted = (jobId: string, returnvalue: unknown) => {
      const job = byQueueId.get(jobId);
      if (!job || state.get(job.id) === 'ended') return;
      if (!announced.has(job.id)) {
        // It ended while this coordinator was not listening, or its worker's report was lost.
        announced.add(job.id);
        const record = store.read(job.id);
        const top1 = record?.metrics?.test?.top1;
        onEvent({ type: 'job-end', jobId: job.id, label: describeJob(job), status: record?.status ?? 'finished', summary: top1 === undefined ? '' : `test top-1 ${(100 * top1).toFixed(2)}%`, seconds: 0 });
      }
      runEnded(job);
      checkDone();
    };
    const onFailed = (jobId: string, failedReason: string) => {
      const job = byQueueId.get(jobId);
      if (!job || state.get(job.id) === 'ended') return;
      // A run that never started (a missing plugin, a dead worker twice) has no record yet.
      if (store.read(job.id)?.status !== 'failed') store.write(failedRecord(job, failedReason, baseRecord));
      announced.add(job.id);
      onEvent({ type: 'job-end', jobId: job.id, label: describeJob(job), status: 'failed', summary: failedReason.split('\n')[0], seconds: 0 });
      runEnded(job);
      checkDone();
    };
    events.on('completed', ({ jobId, returnvalue }) => onCompleted(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => onFailed(jobId, failedReason));
    events.on('stalled', ({ jobId }) => {
      const job = byQueueId.get(jobId);
      if (job) onEvent({ type: 'phase', message: `${describeJob(job)}: its worker stopped answering; back in the queue for another worker` });
    });
    events.on('error', onError);
    await events.waitUntilReady();

    const toAdd = await attach(queue, jobs, store, state, tag, study, onEvent, kept);
    for (const job of jobs) if (state.get(job.id) === 'ended') runEnded(job);
    if (toAdd.length) await queue.addBulk(toAdd);
    for (const job of jobs) {
      if (state.get(job.id) === 'ended') continue;
      const queued = await queue.getJob(queueJobId(tag.key, job.id));
      const where = queued ? await queued.getState() : undefined;
      if (where === 'completed') onCompleted(queued!.id!, queued!.returnvalue);
      else if (where === 'failed') onFailed(queued!.id!, queued!.failedReason ?? 'failed');
    }
    checkDone();

    const detached = new Promise<'detached'>((resolve) => {
      if (options.signal?.aborted) resolve('detached');
      options.signal?.addEventListener('abort', () => resolve('detached'), { once: true });
    });
    if ((await Promise.race([allEnded.then(() => 'ended' as const), detached])) === 'detached') {
      throw new DetachedError(`detached from the study; its runs go on on the workers: run the same command again to re-attach (${jobs.filter((j) => state.get(j.id) === 'ended').length}/${jobs.length} runs ended)`);
    }

    // The coordinator writes the records: with its lock lost, the folder may be another's.
    const lost = prepared.lock.lost();
    if (lost) throw new StudyLockLostError(study.out, lost);
    onEvent({ type: 'phase', message: 'Every run has ended. Writing the summary and figures.' });
    const report = await writeReport(study.out);
    const failed = jobs.map((j) => store.read(j.id)).filter((r) => !r || r.status === 'failed').length;
    return { out: study.out, report, failed, resumed };
  };
  try {
    return await Promise.race([follow(), unfixable.failed]);
  } finally {
    live?.close();
    // Bounded: a Redis that does not answer must not keep a stopped coordinator (or its lock).
    await boundedClose(Promise.all([events?.close(), queue.close()]));
    await release();
  }
}

/**
 * Reads where each run stands and decides what to add: a run finished in the results folder is
 * ended; one the queue holds (waiting, running, delayed) is followed; one that failed for good
 * earlier is retried; one that is not queued is added once its dependencies are finished (else
 * the run it waits for adds it).
 */
async function attach(
  queue: Queue<QueuedJobData>,
  jobs: readonly Job[],
  store: ResultStore,
  state: Map<string, RunState>,
  tag: StudyTag,
  study: QueuedJobData['definition'],
  onEvent: ProgressSink,
  kept: ReadonlySet<string>,
): Promise<QueueEntry[]> {
  const toAdd: QueueEntry[] = [];
  let reattached = 0;
  for (const job of jobs) {
    if (store.isComplete(job.id)) {
      state.set(job.id, 'ended');
      // It finished on a worker between the start of this coordinator and now: say so once.
      if (!kept.has(job.id)) {
        const record = store.read(job.id);
        onEvent({ type: 'job-end', jobId: job.id, label: describeJob(job), status: record?.status ?? 'finished', summary: '', seconds: 0 });
      }
      continue;
    }
    state.set(job.id, 'open');
    const queued = await queue.getJob(queueJobId(tag.key, job.id));
    const where = queued ? await queued.getState() : 'unknown';
    if (queued && where === 'failed') {
      onEvent({ type: 'phase', message: `Retrying ${describeJob(job)}, which failed in an earlier attempt: ${(queued.failedReason ?? '').split('\n')[0]}` });
      await queued.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      continue;
    }
    if (queued && where !== 'completed' && where !== 'unknown') {
      reattached++;
      continue;
    }
    // Completed in the queue but not in the folder (the folder was cleared): run it again.
    if (queued) await queued.remove();
    if (job.deps.every((dep) => store.read(dep)?.status === 'finished')) toAdd.push(queueEntry(tag, study, job));
  }
  if (reattached) onEvent({ type: 'phase', message: `Re-attached to ${reattached} runs already in the queue.` });
  return toAdd;
}
