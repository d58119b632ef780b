import * as tf from '@tensorflow/tfjs-core';
import { CORE_VERSION } from '@prunebench/core';
import type { ExecutionContext } from './execution';
import { describeIdentity } from './identity';
import { jobKind } from './kinds';
import type { JobBase, JobOutcome } from './kinds/job-kind';
import type { RunRecord } from './record';
import { assertRunIntact } from './verify';

/**
 * Runs one job of a study through its kind and returns its record (the caller writes it): the
 * inputs it reads (its dependencies' runs) are checked intact first; whatever it throws makes a
 * failed record.
 */
export async function executeJob(job: JobBase, ctx: ExecutionContext): Promise<RunRecord> {
  const kind = jobKind(job.kind);
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const label = kind.describe(job);
  ctx.onEvent({ type: 'job-start', jobId: job.id, label });
  const base = {
    id: job.id,
    kind: job.kind,
    seed: job.seed,
    ...kind.labels(job),
    definition: job.definition,
    configFile: ctx.study.configFile,
    versions: { prunebench: CORE_VERSION, tfjs: tf.version_core, backend: ctx.selection.name },
    ...(job.pruneSeed !== undefined ? { pruneSeed: job.pruneSeed } : {}),
    ...(ctx.study.environment ? { identity: describeIdentity(ctx.study.environment, kind.components(job, ctx.study)) } : {}),
    startedAt,
  };
  let result: JobOutcome;
  try {
    for (const dep of job.deps) assertRunIntact(ctx.store, dep);
    result = await kind.execute(job, ctx);
  } catch (error) {
    result = { status: 'failed', error: (error as Error)?.stack ?? String(error) };
  }
  const record: RunRecord = { ...base, ...result, finishedAt: new Date().toISOString() };
  ctx.onEvent({
    type: 'job-end',
    jobId: job.id,
    label,
    status: record.status,
    summary: summarizeRecord(record),
    seconds: (performance.now() - started) / 1000,
  });
  return record;
}

/** The job-end line: the test accuracy, then what the kind adds (a prune: its reductions). */
function summarizeRecord(record: RunRecord): string {
  if (record.status === 'failed') return (record.error ?? '').split('\n')[0];
  const parts: string[] = [];
  const top1 = record.metrics?.test?.top1;
  if (top1 !== undefined) parts.push(`test top-1 ${(100 * top1).toFixed(2)}%`);
  parts.push(...(jobKind(record.kind).summarize?.(record) ?? []));
  if (record.status === 'diverged') parts.unshift(record.error ?? 'diverged');
  return parts.join(', ');
}
