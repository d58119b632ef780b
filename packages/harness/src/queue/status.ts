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

/** A study's runs in the queue, by state. */
export type QueueCounts = Pick<StudyQueueStatus, 'queued' | 'running' | 'done' | 'failed'>;

/** A one-off look at the queue: it fails fast rather than wait for Redis to come back. */
function oneOffQueue(url: string) {
  const { options, display } = parseQueueUrl(url);
  const queue = new Queue<QueuedJobData>(QUEUE_NAME, { connection: { ...options, maxRetriesPerRequest: 1, retryStrategy: () => null } });
  let failure: Error | undefined;
  queue.on('error', (error) => (failure ??= error));
  const refused = (error: unknown) =>
    new PrunebenchError(`cannot read the queue at ${display}: ${(failure ?? (error as Error)).message}. Is Redis running there?`, { cause: error });
  return { queue, refused };
}

/**
 * Per study key (`studyKey`): how many of its runs are queued, running, done and failed, from the
 * job ids alone (`<study key>.<run id>`), so no run's data is loaded — cheap enough for
 * `prunebench serve` to read every few seconds however much history the queue keeps.
 */
export async function queueCountsByStudy(url: string): Promise<Map<string, QueueCounts>> {
  const { queue, refused } = oneOffQueue(url);
  try {
    const counts = new Map<string, QueueCounts>();
    for (const [column, types] of Object.entries(STATES) as [keyof typeof STATES, JobType[]][]) {
      for (const id of await queue.getRanges(types, 0, -1)) {
        const dot = id.indexOf('.');
        if (dot <= 0) continue; // not a prunebench run
        const key = id.slice(0, dot);
        let entry = counts.get(key);
        if (!entry) counts.set(key, (entry = { queued: 0, running: 0, done: 0, failed: 0 }));
        entry[column]++;
      }
    }
    return counts;
  } catch (error) {
    throw refused(error);
  } finally {
    await queue.close().catch(() => {});
  }
}

/** Per study: how many of its runs are queued, running, done and failed (`prunebench status`). */
export async function queueStatus(url: string): Promise<StudyQueueStatus[]> {
  const { queue, refused } = oneOffQueue(url);
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
    throw refused(error);
  } finally {
    await queue.close().catch(() => {});
  }
}
