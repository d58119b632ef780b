import type { JobsOptions } from 'bullmq';
import type { StudyDefinition } from '../study/definition';
import type { Job } from '../study/jobs';
import { definitionHash } from '../util/hash';

/** The one BullMQ queue every study's runs go through (a worker serves every study). */
export const QUEUE_NAME = 'prunebench-runs';

/** Which study a queued run belongs to (for `prunebench status` and the coordinator). */
export interface StudyTag {
  /** Stable per results folder: a restarted coordinator finds its jobs again. */
  key: string;
  /** The study's results folder (absolute; the same path on every worker). */
  out: string;
  totalJobs: number;
}

/** What a queued run carries: the resolved definition, never a config path to re-read. */
export interface QueuedJobData {
  study: StudyTag;
  definition: StudyDefinition;
  job: Job;
}

/** What a queued run's processor returns (BullMQ stores it as the job's return value). */
export interface QueuedJobResult {
  status: 'finished' | 'diverged';
  /** True when the run was already complete in the results folder (a retry after a crash). */
  alreadyComplete: boolean;
}

/** BullMQ's add-job arguments for one run. */
export interface QueueEntry {
  name: string;
  data: QueuedJobData;
  opts: JobsOptions;
}

/** Attempts per run: one retry covers a passing fault (a full disk, a lost mount). */
export const RUN_ATTEMPTS = 2;

const WEEK_SECONDS = 7 * 24 * 3600;

export function studyKey(study: Pick<StudyDefinition, 'out'>): string {
  return `study-${definitionHash({ out: study.out })}`;
}

/**
 * The BullMQ job id of a run: the study's key and the run's own id (its folder name), so adding
 * a run twice — a restarted coordinator, a retried job re-adding its dependents — is a no-op.
 */
export function queueJobId(key: string, jobId: string): string {
  return `${key}.${jobId}`;
}

export function queueEntry(study: StudyTag, definition: StudyDefinition, job: Job): QueueEntry {
  return {
    name: job.kind,
    data: { study, definition, job },
    opts: {
      jobId: queueJobId(study.key, job.id),
      attempts: RUN_ATTEMPTS,
      // The results folder is the record of what finished; the queue keeps a week of history
      // for `prunebench status`, and a month of failures with their errors.
      removeOnComplete: { age: WEEK_SECONDS },
      removeOnFail: { age: 4 * WEEK_SECONDS },
    },
  };
}

/** The runs that wait for `jobId` (its prunes, or its retrains). */
export function dependentsOf(jobs: readonly Job[], jobId: string): Job[] {
  return jobs.filter((job) => job.deps.includes(jobId));
}
