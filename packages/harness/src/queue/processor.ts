// The sandboxed BullMQ processor: each run of a queue worker executes here, in a worker thread
// of BullMQ's pool with its own tfjs engine, so the worker's main thread keeps renewing the
// job's lock (stall detection) while training blocks this one.
import 'reflect-metadata';
import { workerData } from 'node:worker_threads';
import { Queue, type SandboxedJob } from 'bullmq';
import type { BackendName } from '../backend/select';
import { parseQueueUrl } from './connection';
import { processQueuedRun } from './process-run';
import { QUEUE_NAME, type QueuedJobData, type QueuedJobResult } from './queued-job';

export interface ProcessorThreadData {
  queueUrl: string;
  backend?: BackendName;
}

const { queueUrl, backend } = workerData as ProcessorThreadData;
let queue: Queue | undefined;

export default async function processRun(job: SandboxedJob<QueuedJobData, QueuedJobResult>): Promise<QueuedJobResult> {
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
  } finally {
    await Promise.allSettled(sent);
  }
}
