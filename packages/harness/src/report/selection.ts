import type { RunRecord } from '../study/record';
import type { Cell } from './analysis-types';

/**
 * How the report picks a best cell (★, and "best retrained − scratch"), and which runs are the
 * same run under several names (docs/fairness.md, "Selection"):
 * - the pick is made on the validation split when every run has one, and the cell's test
 *   accuracy is what the report shows; without a validation split it is made on test, and the
 *   report says so (a pick on test favours the picked cell);
 * - below MIN_SEEDS_FOR_BEST seeds no ★ is given: no interval excludes anything;
 * - schedules whose runs are identical (equal LR curves, `scheduleDigest`, over the same pruned
 *   model) are one run: shown once, with the schedules they stand for, and counted once.
 */
export type SelectionSplit = 'validation' | 'test';

export const MIN_SEEDS_FOR_BEST = 3;

/** Validation when every finished retrain recorded a validation accuracy, else test. */
export function selectionSplit(retrains: readonly RunRecord[]): SelectionSplit {
  const finished = retrains.filter((r) => r.status === 'finished' && r.metrics?.test);
  return finished.length > 0 && finished.every((r) => typeof r.metrics?.validation?.top1 === 'number') ? 'validation' : 'test';
}

/** The cell with the highest mean on the selection split (ties: the first); identical copies are not candidates. */
export function pickBest(cells: readonly Cell[], split: SelectionSplit): Cell | undefined {
  const score = (c: Cell) => (split === 'validation' ? (c.validation?.mean ?? NaN) : c.top1.mean);
  return cells
    .filter((c) => c.top1.n > 0 && !c.sameAs && Number.isFinite(score(c)))
    .reduce<Cell | undefined>((best, c) => (!best || score(c) > score(best) ? c : best), undefined);
}

/**
 * Marks each cell whose runs are, seed by seed, the runs of an earlier schedule's cell of the
 * same pruner and budget (same prune, equal schedule digest): `sameAs` names that schedule.
 * Returns the distinct retraining runs and all of them, for counts.
 */
export function markIdenticalRuns(cells: readonly Cell[], runsOf: (cell: Cell) => ReadonlyMap<string, RunRecord>): { distinct: number; total: number } {
  let total = 0;
  let duplicates = 0;
  const key = (r: RunRecord) => (r.scheduleDigest ? `${String(r.definition.prune)}|${r.scheduleDigest}` : undefined);
  for (const [i, cell] of cells.entries()) {
    const mine = runsOf(cell);
    total += mine.size;
    if (!mine.size) continue;
    const twin = cells.slice(0, i).find((other) => {
      if (other.sameAs || other.pruner !== cell.pruner || other.budget !== cell.budget) return false;
      const theirs = runsOf(other);
      return theirs.size === mine.size && [...mine].every(([unit, r]) => key(r) !== undefined && key(r) === (theirs.get(unit) && key(theirs.get(unit)!)));
    });
    if (twin) {
      cell.sameAs = twin.schedule;
      duplicates += mine.size;
    }
  }
  return { distinct: total - duplicates, total };
}
