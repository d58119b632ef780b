import { PrunebenchError } from '@prunebench/core';
import { Queue, type JobType } from 'bullmq';
import { parseQueueUrl } from './connection';
import { QUEUE_NAME, type QueuedJobData } from './queued-job';

/** What the queue holds for one study. */
export interface StudyQueueStatus {
  study: string;
  out: string;
  /** Runs in the study (some may be finished from before, or wait for a dependency, and so not be in the queue). */
  totalJobs: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
  /** The runs that failed for good, with BullMQ's recorded reason. */
  failures: { run: string; reason: string }[];
}

const STATES: Record<'queued' | 'running' | 'done' | 'failed', JobType[]> = {
  queued: ['waiting', 'prioritized', 'delayed', 'waiting-children'],
  running: ['active'],
  done: ['completed'],
  failed: ['failed'],
};

/** Per study: how many of its runs are queued, running, done and failed (`prunebench status`). */
export async function queueStatus(url: string): Promise<StudyQueueStatus[]> {
  const { options, display } = parseQueueUrl(url);
  // A status is a one-off look: fail fast rather than wait for Redis to come back.
  const queue = new Queue<QueuedJobData>(QUEUE_NAME, { connection: { ...options, maxRetriesPerRequest: 1, retryStrategy: () => null } });
  let failure: Error | undefined;
  queue.on('error', (error) => (failure ??= error));
  try {
    const studies = new Map<string, StudyQueueStatus>();
    for (const [column, types] of Object.entries(STATES) as [keyof typeof STATES, JobType[]][]) {
      for (const job of await queue.getJobs(types)) {
        if (!job?.data?.study) continue;
        const { key, out, totalJobs } = job.data.study;
        let entry = studies.get(key);
        if (!entry) {
          entry = { study: key, out, totalJobs, queued: 0, running: 0, done: 0, failed: 0, failures: [] };
          studies.set(key, entry);
        }
        entry[column]++;
        if (column === 'failed') entry.failures.push({ run: job.data.job.id, reason: (job.failedReason ?? '').split('\n')[0] });
      }
    }
    return [...studies.values()].sort((a, b) => a.out.localeCompare(b.out));
  } catch (error) {
    throw new PrunebenchError(`cannot read the queue at ${display}: ${(failure ?? (error as Error)).message}. Is Redis running there?`, { cause: error });
  } finally {
    await queue.close().catch(() => {});
  }
}
