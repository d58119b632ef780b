// The sandboxed BullMQ processor: each run of a queue worker executes here, in a worker thread
// of BullMQ's pool with its own tfjs engine, so the worker's main thread keeps renewing the
// job's lock (stall detection) while training blocks this one.
import 'reflect-metadata';
import { workerData } from 'node:worker_threads';
import { DelayedError, Queue, type SandboxedJob } from 'bullmq';
import type { BackendName } from '../backend/select';
import { parseQueueUrl } from './connection';
import { PluginsUnavailableError, processQueuedRun } from './process-run';
import { QUEUE_NAME, type QueuedJobData, type QueuedJobResult } from './queued-job';

export interface ProcessorThreadData {
  queueUrl: string;
  backend?: BackendName;
}

const { queueUrl, backend } = workerData as ProcessorThreadData;
let queue: Queue | undefined;

/** How long a run this worker cannot load stays out of the queue: other workers take it meanwhile. */
export const HAND_BACK_MS = 2000;
/** Studies whose plugins this thread could not load, said once each. */
const unloadable = new Set<string>();

export default async function processRun(job: SandboxedJob<QueuedJobData, QueuedJobResult>, token?: string): Promise<QueuedJobResult> {
  if (!queue) {
    queue = new Queue(QUEUE_NAME, { connection: parseQueueUrl(queueUrl).options });
    // The worker's main thread reports the connection's state; ioredis reconnects this one too.
    queue.on('error', () => {});
  }
  const sent: Promise<unknown>[] = [];
  try {
    return await processQueuedRun(job.data, {
      report: (event) => sent.push(job.updateProgress(event as unknown as object)),
      enqueue: async (entries) => {
        await queue!.addBulk(entries);
      },
      backend,
    });
  } catch (error) {
    if (!(error instanceof PluginsUnavailableError)) throw error;
    // Not the run's fault: back to the queue (delayed, so a worker that can load them takes it)
    // without costing it an attempt — BullMQ does not count a DelayedError as a failure.
    if (!unloadable.has(job.data.study.key)) {
      unloadable.add(job.data.study.key);
      process.stderr.write(`prunebench worker: ${error.message}; leaving its runs to workers that can load them\n`);
    }
    await job.moveToDelayed(Date.now() + HAND_BACK_MS, token);
    throw new DelayedError();
  } finally {
    await Promise.allSettled(sent);
  }
}
