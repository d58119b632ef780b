import { Worker, type Job } from 'bullmq';
import type { BackendName } from '../backend/select';
import { describeJob } from '../study/jobs';
import { probeBackend } from './backend-probe';
import { parseQueueUrl } from './connection';
import { boundedClose, unfixableErrors } from './fail-fast';
import { queueThreadScript } from './thread-script';
import type { ProcessorThreadData } from './processor';
import { QUEUE_NAME, type QueuedJobData, type QueuedJobResult } from './queued-job';

export interface QueueWorkerOptions {
  url: string;
  /** Runs at once, each in its own worker thread (default 1). */
  concurrency?: number;
  /** Overrides the backend the study names. */
  backend?: BackendName;
  /**
   * How long a run's lock lasts without renewal, and how often workers look for runs whose lock
   * expired (their worker died): such a run goes back to the queue. BullMQ's default is 30 s.
   */
  stallTimeoutMs?: number;
  log: (line: string) => void;
}

export interface QueueWorkerHandle {
  /**
   * Resolves when the worker has connected and takes runs; rejects, having taken none, when the
   * backend it was told to use does not load here.
   */
  ready: Promise<void>;
  /**
   * Stops taking runs. Graceful: the runs in flight finish first. Forced: they are handed back
   * to the queue now (another worker takes them) and their threads are stopped.
   */
  stop(mode: 'graceful' | 'forced'): Promise<void>;
}


const label = (data: QueuedJobData) => `${describeJob(data.job)} (${data.job.id}) of ${data.study.out}`;

/** The BullMQ worker, with its log lines and the runs in flight (`active`, for a forced stop). */
function connectWorker(
  options: QueueWorkerOptions,
  connection: ReturnType<typeof parseQueueUrl>,
  active: Map<string, Job<QueuedJobData, QueuedJobResult>>,
  unfixable: ReturnType<typeof unfixableErrors>,
): Worker<QueuedJobData, QueuedJobResult> {
  const stallTimeout = options.stallTimeoutMs ?? 30_000;
  const threadData: ProcessorThreadData = { queueUrl: options.url, backend: options.backend };
  const worker = new Worker<QueuedJobData, QueuedJobResult>(QUEUE_NAME, queueThreadScript('processor'), {
    connection: connection.options,
    concurrency: options.concurrency ?? 1,
    useWorkerThreads: true,
    workerThreadsOptions: { workerData: threadData },
    lockDuration: stallTimeout,
    stalledInterval: stallTimeout,
    // A run survives two dead workers before it counts as failed.
    maxStalledCount: 2,
    // Started by `startQueueWorker` once connected.
    autorun: false,
  });
  const log = options.log;
  worker.on('active', (job) => {
    active.set(job.id!, job);
    log(`running ${label(job.data)}`);
  });
  worker.on('completed', (job, result) => {
    active.delete(job.id!);
    log(`${result?.alreadyComplete ? 'already complete' : result?.status ?? 'done'}: ${label(job.data)}`);
  });
  worker.on('failed', (job, error) => {
    if (!job) return log(`a run failed: ${error.message}`);
    active.delete(job.id!);
    const last = job.attemptsMade >= (job.opts.attempts ?? 1);
    log(`${last ? 'FAILED' : 'failed, will be retried'} (attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1}): ${label(job.data)}: ${error.message}`);
  });
  let lastError = '';
  worker.on('error', (error) => {
    if (unfixable.report(error)) return;
    // ioredis repeats a connection error on every retry: say it once.
    if (error.message !== lastError) log(`queue ${connection.display}: ${error.message}`);
    lastError = error.message;
  });
  worker.on('ready', () => {
    if (lastError) log(`queue ${connection.display}: connected again`);
    lastError = '';
  });
  return worker;
}

/**
 * A BullMQ worker that takes study runs from the queue until stopped, running each in a worker
 * thread (BullMQ's sandboxed processors), reconnecting to Redis whenever it goes away. Given a
 * backend, it first checks that the backend loads here, and takes no run if it does not.
 */
export function startQueueWorker(options: QueueWorkerOptions): QueueWorkerHandle {
  const connection = parseQueueUrl(options.url);
  const log = options.log;
  // The runs in flight, with their lock tokens, to hand back on a forced stop.
  const active = new Map<string, Job<QueuedJobData, QueuedJobResult>>();
  // Not before the backend is known to load: a worker that cannot train connects to nothing.
  let worker: Worker<QueuedJobData, QueuedJobResult> | undefined;
  let stopping: Promise<void> | undefined;
  let stopRequested = false;
  const unfixable = unfixableErrors(connection.display);
  const ready = (async () => {
    try {
      const backend = options.backend ? await probeBackend(options.backend) : undefined;
      if (stopRequested) return;
      worker = connectWorker(options, connection, active, unfixable);
      // Wrong credentials end the wait at once (exit 2) instead of a reconnect loop.
      await Promise.race([worker.waitUntilReady(), unfixable.failed]);
      if (stopRequested) return;
      worker.run().catch((error: Error) => log(`stopped taking runs: ${error.message}`));
      log(`worker ready: queue ${connection.display}, ${options.concurrency ?? 1} run(s) at once${backend ? `; backend ${backend}` : ''}`);
    } catch (error) {
      if (worker) await boundedClose(worker.close(true));
      throw error;
    }
  })();

  return {
    ready,
    async stop(mode) {
      stopRequested = true;
      // Stopped while checking its backend: it holds no run, and `ready` will not connect.
      if (!worker) return;
      if (mode === 'forced') {
        // Back to the waiting list now, rather than after the stall timeout (unless Redis is
        // unreachable: then the stall detection will do it).
        const handedBack = Promise.allSettled(
          [...active.values()].map(async (job) => {
            await job.moveToWait(job.token);
            log(`handed back: ${label(job.data)}`);
          }),
        );
        await Promise.race([handedBack, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
        await Promise.race([worker.close(true), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
        return;
      }
      // Runs in flight finish first; an idle worker has nothing to wait for, Redis included.
      stopping ??= active.size ? worker.close() : boundedClose(worker.close());
      await stopping;
    },
  };
}
