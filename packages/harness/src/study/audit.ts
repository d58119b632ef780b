import { PrunebenchError } from '@prunebench/core';
import type { RunRecord } from './record';

/** The harness refuses to compare retraining runs of unequal budgets. */
export class UnequalBudgetError extends PrunebenchError {}

function describe(record: RunRecord): string {
  return `${record.id} (${record.pruner} × ${record.schedule}, seed ${record.seed})`;
}

/**
 * Checks that every completed retraining run of one budget took the same optimizer steps on
 * the same samples. Diverged runs stopped early by definition and are reported as such, so
 * they are checked on their planned steps instead. Throws naming the runs that differ.
 */
export function auditBudgets(records: readonly RunRecord[]): void {
  const problems: string[] = [];
  const byBudget = new Map<number, RunRecord[]>();
  for (const record of records) {
    if (record.kind !== 'retrain' || record.status === 'failed' || record.status === 'not-run') continue;
    const list = byBudget.get(record.budget!) ?? [];
    list.push(record);
    byBudget.set(record.budget!, list);
  }
  for (const [budget, runs] of byBudget) {
    const reference = runs.find((r) => r.status === 'finished');
    if (!reference) continue;
    for (const run of runs) {
      if (run.plannedSteps !== reference.plannedSteps) {
        problems.push(
          `at ${budget} epochs, ${describe(run)} planned ${run.plannedSteps} steps but ${describe(reference)} planned ${reference.plannedSteps}`,
        );
      }
      if (run.status !== 'finished') continue;
      const a = run.ledger!;
      const b = reference.ledger!;
      if (a.optimizerSteps !== b.optimizerSteps || a.samples !== b.samples) {
        problems.push(
          `at ${budget} epochs, ${describe(run)} took ${a.optimizerSteps} steps on ${a.samples} samples, ` +
            `but ${describe(reference)} took ${b.optimizerSteps} steps on ${b.samples} samples`,
        );
      }
    }
  }
  if (problems.length) {
    throw new UnequalBudgetError(
      `refusing to write a summary that compares retraining runs of unequal budgets:\n  - ${problems.join('\n  - ')}\n` +
        'Every retraining run of one budget must take the same optimizer steps on the same samples; ' +
        're-run the runs named above (delete their folders under runs/) or remove them from the study.',
    );
  }
}
