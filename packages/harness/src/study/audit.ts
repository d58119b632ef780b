import { plural } from '../util/plural';
import { PrunebenchError } from '@prunebench/core';
import { expectedSamples, type Batching } from './budget';
import type { RunRecord } from './record';

/** The harness refuses to compare retraining runs of unequal budgets. */
export class UnequalBudgetError extends PrunebenchError {}

function describe(record: RunRecord): string {
  return `${record.id} (${record.pruner} × ${record.schedule}, seed ${record.seed})`;
}

const sameBatching = (a: Batching, b: Batching) =>
  a.trainSize === b.trainSize && a.batchSize === b.batchSize && a.dropLast === b.dropLast && a.stepsPerEpoch === b.stepsPerEpoch;
const words = (b: Batching) => `${b.trainSize} examples in batches of ${b.batchSize}${b.dropLast ? ', last partial batch dropped' : ', last partial batch kept'} = ${b.stepsPerEpoch} steps per epoch`;

/**
 * Audits the retraining budgets of a study's runs (see docs/fairness.md), and throws naming
 * every run that fails:
 * - S, the steps per epoch, is one number for the whole study (same train split, batch size and
 *   dropLast in every original and retrain);
 * - every finished retrain took exactly E × S optimizer steps (minus the pruner's own measured
 *   steps under `"budgetAccounting": "total"`, checked against its prune's measurement) on
 *   exactly the samples those steps hold
 *   (E × S × B, or E × N when the last partial batch is kept);
 * - every retrain of one budget planned and took the same steps on the same samples (in `total`
 *   mode: the same steps counting the pruner's own).
 * Diverged runs stopped early by definition: only their planned steps are checked.
 */
export function auditBudgets(records: readonly RunRecord[]): void {
  const problems: string[] = [];
  const trained = records.filter((r) => (r.kind === 'retrain' || r.kind === 'original') && r.status !== 'failed' && r.batching);
  const studyBatching = trained[0]?.batching;
  for (const run of trained) {
    if (!sameBatching(run.batching!, studyBatching!)) {
      problems.push(`${run.id} cut epochs as ${words(run.batching!)}, but ${trained[0].id} as ${words(studyBatching!)}: S must be one number per study`);
    }
  }
  const prunes = new Map(records.filter((r) => r.kind === 'prune').map((r) => [r.id, r]));
  const byBudget = new Map<number, RunRecord[]>();
  for (const record of records) {
    if (record.kind !== 'retrain' || record.status === 'failed' || record.status === 'not-run') continue;
    if (!record.batching || !record.budgetAccounting) {
      problems.push(`${describe(record)} does not record its batching and budget accounting (an older prunebench wrote it): delete its folder and run the study again`);
      continue;
    }
    const { epochs, deductedSteps } = record.budgetAccounting;
    // Under total accounting, what was deducted must be what the harness measured the pruner taking.
    const prune = prunes.get(String(record.definition.prune));
    if (record.budgetAccounting.mode === 'total' && prune?.measured) {
      const taken = Math.min(prune.measured.optimizerSteps, epochs * record.batching.stepsPerEpoch);
      if (taken !== deductedSteps) problems.push(`${describe(record)} deducted ${deductedSteps} steps, but its pruner took ${prune.measured.optimizerSteps} (measured)`);
    }
    const steps = epochs * record.batching.stepsPerEpoch - deductedSteps;
    const samples = expectedSamples(steps, record.batching);
    if (record.plannedSteps !== steps) {
      problems.push(`${describe(record)} planned ${record.plannedSteps} steps, but ${epochs} epochs × ${record.batching.stepsPerEpoch} steps${deductedSteps ? ` − ${deductedSteps} of the pruner's own` : ''} = ${steps}`);
    }
    if (record.status === 'finished' && (record.ledger?.optimizerSteps !== steps || record.ledger?.samples !== samples)) {
      problems.push(`${describe(record)} took ${record.ledger?.optimizerSteps} steps on ${record.ledger?.samples} samples, but its budget is ${steps} steps on ${samples} samples`);
    }
    const list = byBudget.get(record.budget!) ?? [];
    list.push(record);
    byBudget.set(record.budget!, list);
  }
  for (const [budget, runs] of byBudget) {
    const reference = runs.find((r) => r.status === 'finished');
    if (!reference) continue;
    // What must be equal in a row of one budget: retraining steps (mode retraining), or
    // retraining plus the pruner's own steps (mode total).
    const total = (r: RunRecord) => (r.plannedSteps ?? 0) + (r.budgetAccounting?.deductedSteps ?? 0);
    for (const run of runs) {
      if (total(run) !== total(reference)) {
        problems.push(`at ${plural(budget, 'epoch')}, ${describe(run)} planned ${total(run)} steps but ${describe(reference)} planned ${total(reference)}`);
      }
      if (run.status !== 'finished' || run.budgetAccounting?.deductedSteps || reference.budgetAccounting?.deductedSteps) continue;
      const a = run.ledger!;
      const b = reference.ledger!;
      if (a.optimizerSteps !== b.optimizerSteps || a.samples !== b.samples) {
        problems.push(
          `at ${plural(budget, 'epoch')}, ${describe(run)} took ${a.optimizerSteps} steps on ${a.samples} samples, ` +
            `but ${describe(reference)} took ${b.optimizerSteps} steps on ${b.samples} samples`,
        );
      }
    }
  }
  if (problems.length) {
    throw new UnequalBudgetError(
      `refusing to write a summary that compares retraining runs of unequal budgets:\n  - ${[...new Set(problems)].join('\n  - ')}\n` +
        'Every retraining run of one budget must take E × S optimizer steps on the samples they hold; ' +
        're-run the runs named above (delete their folders under runs/) or remove them from the study.',
    );
  }
}
