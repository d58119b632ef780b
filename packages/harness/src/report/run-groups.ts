import type { RunRecord } from '../study/record';
import { jobKinds } from '../study/kinds';
import { summarizeSample, type SampleSummary } from '../study/statistics';

/** A run's pairing unit: its seed, and its prune seed when the study prunes one original several times. */
export function seedKey(record: RunRecord): string {
  const pruneSeed = (record.definition as { pruneSeed?: unknown }).pruneSeed;
  return pruneSeed === undefined ? String(record.seed) : `${record.seed}/${String(pruneSeed)}`;
}

/** A run's test top-1, when it has one. */
export const testTop1 = (record: RunRecord): number | undefined => record.metrics?.test?.top1;

/**
 * The runs of one pruner × schedule × budget over seeds: the one aggregation of a study's runs,
 * which summary.md / summary.csv (study/summary.ts), report.html and the figures (analysis.ts)
 * all read, so they cannot disagree. Its accuracy is `summarizeSample` over one value per
 * pairing unit: mean, sample std (n − 1) and 95% interval, the std and interval NaN below two.
 */
export interface RunGroup {
  pruner: string;
  schedule: string;
  budget: number;
  /** Every run of the group, whatever its status. */
  runs: RunRecord[];
  /** Its finished runs with a test accuracy. */
  finished: RunRecord[];
  top1: SampleSummary;
  /** Test top-1 by pairing unit (seed), finished runs only. */
  bySeed: Map<string, number>;
  diverged: number;
  failed: number;
  /** Runs not made because their original diverged. */
  notRun: number;
}

/** The groups of the runs of the kinds whose runs are the study's cells (retraining: kinds/retrain.ts), in first-seen order. */
export function groupRuns(records: readonly RunRecord[]): RunGroup[] {
  const cellKinds = new Set(jobKinds().filter((k) => k.report?.cells).map((k) => k.name));
  const groups = new Map<string, RunRecord[]>();
  for (const record of records) {
    if (!cellKinds.has(record.kind)) continue;
    const key = JSON.stringify([record.pruner, record.schedule, record.budget]);
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  return [...groups.values()].map((runs) => {
    const finished = runs.filter((r) => r.status === 'finished' && testTop1(r) !== undefined);
    const bySeed = new Map(finished.map((r) => [seedKey(r), testTop1(r)!]));
    return {
      pruner: runs[0].pruner!,
      schedule: runs[0].schedule!,
      budget: runs[0].budget!,
      runs,
      finished,
      top1: summarizeSample([...bySeed.values()]),
      bySeed,
      diverged: runs.filter((r) => r.status === 'diverged').length,
      failed: runs.filter((r) => r.status === 'failed').length,
      notRun: runs.filter((r) => r.status === 'not-run').length,
    };
  });
}
