import { foreignRunsNote, type StudyRuns } from './study-folder';

/**
 * The sentences a report states about how its study was measured: the budget accounting, what
 * the run identity left out, runs still missing, runs in the folder that are not the study's.
 */
export function studyNotes(runs: StudyRuns, outDir: string): string[] {
  const { study } = runs.study;
  const notes: string[] = [];
  notes.push(
    study.budgetAccounting === 'total'
      ? 'Budget accounting: total — the optimizer steps a pruner took itself (measured) were deducted from its retraining budget, so retraining plus pruning take the same steps for every method.'
      : 'Budget accounting: retraining — every method retrained the full budget; what a pruner spent before retraining is shown in its cost columns, not deducted.',
  );
  const batching = study.original.dropLast ? 'the last partial batch of an epoch is dropped' : 'the last partial batch of an epoch is kept (PyTorch\'s default)';
  notes.push(`Batching: ${study.original.batchSize} examples per step; ${batching}.`);
  if (!study.identity.backend) {
    notes.push(
      `The backend is left out of the run identity ("identity": { "backend": false }): runs computed on different backends count as the same run; this study ran on ${study.environment?.backendUsed.name ?? 'an unrecorded backend'}.`,
    );
  }
  if (runs.missing.length) notes.push(`${runs.missing.length} of the study's ${runs.study.jobs.length} runs have no result yet: run the study again to finish them.`);
  const foreign = foreignRunsNote(runs, outDir);
  if (foreign) notes.push(foreign);
  return notes;
}
