import type { RunRecord } from '../study/record';
import type { PairedDifference, SampleSummary } from '../study/statistics';
import type { PairedTests } from './paired-tests';

/*
 * The parts of a study's analysis (analysis.ts) that job kinds read and fill in (their report
 * hooks, study/kinds/job-kind.ts): kept apart so the kinds need not import the analysis.
 */

export interface Cell {
  pruner: string;
  schedule: string;
  budget: number;
  top1: SampleSummary;
  /** Test top-1 by pairing unit (seed), finished runs only. */
  bySeed: Map<string, number>;
  /** Validation top-1 over seeds, when the dataset holds a validation split (what ★ is picked on). */
  validation?: SampleSummary;
  /** Its runs are, seed by seed, those of this schedule (equal LR curves over the same pruned model): shown once. */
  sameAs?: string;
  /** The run id of each pairing unit (its predictions.bin feeds the paired tests). */
  runs?: Map<string, string>;
  diverged: number;
  failed: number;
  macsAfter: number;
  paramsAfter: number;
  /** The best cell of its budget among pruners of equal compression, picked on validation when there is one (report/selection.ts). */
  best: boolean;
}

export interface Comparison {
  pruner: string;
  schedule: string;
  budget: number;
  /** What the cell is compared with: the reference schedule, or the random pruner. */
  against: string;
  difference: PairedDifference;
  /** Both sides are the same runs (equal LR curves over the same pruned model): no difference to test. */
  identical?: boolean;
  /** McNemar per seed, t and permutation tests across seeds, Holm over its table (report/paired-tests.ts). */
  tests?: PairedTests;
}

/** The runs of one baseline (a kind whose runs are compared with retraining) for one pruner, over seeds. */
export interface BaselineResult {
  /** The job kind that made it. */
  kind: string;
  pruner: string;
  /** Its name in tables and in the accuracy figure's legend (`scratch-b`). */
  name: string;
  top1: SampleSummary;
  /** Test top-1 by pairing unit (seed), finished runs only. */
  bySeed: Map<string, number>;
  /** Its finished runs (what the kind's section reads beyond accuracy). */
  runs: RunRecord[];
  /** The best retrained cell of the largest budget minus this baseline, paired by seed. */
  bestRetrainedMinus?: Comparison;
}
