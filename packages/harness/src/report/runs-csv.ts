import type { RunRecord } from '../study/record';

export function csvCell(value: unknown): string {
  const text = value === undefined || value === null || (typeof value === 'number' && !Number.isFinite(value)) ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A CSV of `header` and `rows` without the columns empty in every row (a study without scratch
 * baselines has no scratch columns), except those named in `keep`.
 */
export function csvTable(header: readonly string[], rows: readonly unknown[][], keep: readonly string[] = []): string {
  const cells = rows.map((row) => row.map(csvCell));
  const kept = header.map((name, i) => keep.includes(name) || cells.some((row) => row[i] !== '')).map((k, i) => (k ? i : -1)).filter((i) => i >= 0);
  return [kept.map((i) => header[i]), ...cells.map((row) => kept.map((i) => row[i]))].map((row) => row.join(',')).join('\n') + '\n';
}

/** An accuracy (a fraction) in percent, rounded to what it can mean (1e-4 %): no float noise in a file. */
export const percentCell = (fraction: number | undefined) => (typeof fraction === 'number' && Number.isFinite(fraction) ? Number((100 * fraction).toFixed(4)) : undefined);

/**
 * The columns of runs.csv, in order: accuracies in percent (`_pct`), MACs (multiply-accumulates)
 * and params as integers. Columns empty for every run of a study are left out of its file.
 */
export const RUNS_CSV_COLUMNS = [
  'id', 'kind', 'status', 'pruner', 'schedule', 'budget_epochs', 'seed', 'prune_seed',
  'test_top1_pct', 'test_top5_pct', 'test_loss', 'test_examples', 'validation_top1_pct',
  'params_before', 'params_after', 'nonzero_params_after', 'macs_before', 'macs_after',
  'optimizer_steps', 'planned_steps', 'samples',
  'extra_forward_samples', 'extra_backward_samples', 'extra_optimizer_steps',
  'iterative_steps', 'iterative_optimizer_steps', 'iterative_samples', 'rewind_epoch',
  'scratch_epochs', 'scratch_factor', 'schedule_digest', 'backend', 'error',
] as const;

/** runs.csv: one line per run record, flat, for anyone's own analysis. */
export function runsCsv(records: readonly RunRecord[]): string {
  const rows = records.map((r) => {
    const test = r.metrics?.test;
    const values: Record<(typeof RUNS_CSV_COLUMNS)[number], unknown> = {
      id: r.id,
      kind: r.kind,
      status: r.status,
      pruner: r.pruner,
      schedule: r.schedule,
      budget_epochs: r.budget,
      seed: r.seed,
      prune_seed: (r.definition as { pruneSeed?: unknown }).pruneSeed,
      test_top1_pct: percentCell(test?.top1),
      test_top5_pct: percentCell(test?.top5),
      test_loss: test?.loss,
      test_examples: test?.examples,
      validation_top1_pct: percentCell(r.metrics?.validation?.top1),
      params_before: r.cost?.before.params,
      params_after: r.cost?.after.params,
      nonzero_params_after: r.cost?.after.nonZeroParams,
      macs_before: r.cost?.before.macs,
      macs_after: r.cost?.after.macs,
      optimizer_steps: r.ledger?.optimizerSteps,
      planned_steps: r.plannedSteps,
      samples: r.ledger?.samples,
      extra_forward_samples: r.ledger?.extraForwardSamples,
      extra_backward_samples: r.ledger?.extraBackwardSamples,
      extra_optimizer_steps: r.ledger?.extraOptimizerSteps,
      iterative_steps: r.iterative?.steps,
      iterative_optimizer_steps: r.iterative?.optimizerSteps,
      iterative_samples: r.iterative?.samples,
      rewind_epoch: r.iterative?.rewindEpoch,
      scratch_epochs: r.scratch?.epochs,
      scratch_factor: r.scratch?.factor,
      schedule_digest: r.scheduleDigest,
      backend: r.versions?.backend,
      error: r.error?.split('\n')[0],
    };
    return RUNS_CSV_COLUMNS.map((c) => values[c]);
  });
  return csvTable(RUNS_CSV_COLUMNS, rows, ['id', 'kind', 'status']);
}
