import type { RunWork, StudyShape } from './cost-model';
import type { StudyDefinition } from './definition';
import { jobKind, jobKinds, type Job } from './kinds';
import type { JobBase, JobKind, RecordLabels } from './kinds/job-kind';

export type { Job } from './kinds';

/**
 * Expands a study into its jobs, in an order where every job comes after its dependencies: the
 * kinds that expand from the study (originals, one per seed), and under each job the jobs of the
 * kinds that expand from it (kinds/index.ts), depth first — so a study runs seed by seed, and a
 * prune's retrains follow it. Ids hash only what defines a job (not labels, workers), so an
 * unchanged job keeps its folder when the study around it grows. With the study's `environment`
 * (identity.ts), ids also cover the code, tfjs, backend, data and checkpoint: an original's,
 * which every later job inherits through its dependency id, and the code of the plugin providing
 * a pruner (its prunes) or a schedule (its retrains).
 */
export function expandStudy(study: StudyDefinition): Job[] {
  const kinds = jobKinds();
  const jobs: JobBase[] = [];
  const add = (kind: JobKind, parent: JobBase | null) => {
    for (const job of kind.expand(study, parent as JobBase)) {
      jobs.push(job);
      for (const child of kinds) if (child.expandsFrom === kind) add(child, job);
    }
  };
  for (const kind of kinds) if (kind.expandsFrom === null) add(kind, null);
  return jobs as Job[];
}

/** A short human name for progress lines: `retrain l1/uniform × clr × 4 ep, seed 0`. */
export function describeJob(job: JobBase): string {
  return jobKind(job.kind).describe(job);
}

/** The labels a job's run.json carries (pruner, schedule, budget). */
export function jobLabels(job: JobBase): RecordLabels {
  return jobKind(job.kind).labels(job);
}

/** What one job trains and evaluates (the cost model's input). */
export function runWork(job: JobBase, study: StudyDefinition, shape: StudyShape): RunWork {
  return jobKind(job.kind).work(job, study, shape);
}
