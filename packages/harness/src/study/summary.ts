import { meanStd } from '../util/stats';
import type { RunRecord } from './record';

export interface Stat {
  mean: number;
  std: number;
  n: number;
}

/** One line of the summary: a pruner × schedule × budget, aggregated over seeds. */
export interface SummaryRow {
  pruner: string;
  schedule: string;
  budget: number;
  /** Test top-1 accuracy (0..1) over the seeds that finished. */
  top1: Stat;
  top5?: Stat;
  seeds: number[];
  diverged: number;
  failed: number;
  /** Reductions by pruning, percent of the original (mean over seeds). */
  paramsReduction: number;
  flopsReduction: number;
  paramsAfter: number;
  flopsAfter: number;
  /** Extra passes the pruner made (per seed, mean), in samples. */
  extraForwardSamples: number;
  extraBackwardSamples: number;
  extraOptimizerSteps: number;
  /** Retraining cost of one run: optimizer steps and samples (equal by audit). */
  optimizerSteps: number;
  samples: number;
}

export interface Summary {
  original: { top1: Stat; params: number; flops: number; seeds: number[] };
  rows: SummaryRow[];
  failedRuns: Array<{ id: string; error: string }>;
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);

/** Aggregates run records into the study's summary (the caller audits budgets first). */
export function summarize(records: readonly RunRecord[]): Summary {
  const originals = records.filter((r) => r.kind === 'original' && r.status === 'finished');
  const prunes = new Map(records.filter((r) => r.kind === 'prune').map((r) => [r.id, r]));
  const groups = new Map<string, RunRecord[]>();
  for (const record of records) {
    if (record.kind !== 'retrain') continue;
    const key = JSON.stringify([record.pruner, record.schedule, record.budget]);
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  const rows: SummaryRow[] = [...groups.values()].map((runs) => {
    const finished = runs.filter((r) => r.status === 'finished');
    const pruneRecords = runs.map((r) => prunes.get(String(r.definition.prune))).filter((p): p is RunRecord => !!p);
    const cost = finished.map((r) => r.cost).filter((c) => !!c) as NonNullable<RunRecord['cost']>[];
    const reduction = (pick: (c: NonNullable<RunRecord['cost']>) => [number, number]) =>
      mean(cost.map((c) => {
        const [before, after] = pick(c);
        return (100 * (before - after)) / before;
      }));
    const top5 = finished.map((r) => r.metrics?.test?.top5).filter((v): v is number => v !== undefined);
    return {
      pruner: runs[0].pruner!,
      schedule: runs[0].schedule!,
      budget: runs[0].budget!,
      top1: meanStd(finished.map((r) => r.metrics?.test?.top1 ?? NaN)),
      ...(top5.length ? { top5: meanStd(top5) } : {}),
      seeds: finished.map((r) => r.seed).sort((a, b) => a - b),
      diverged: runs.filter((r) => r.status === 'diverged').length,
      failed: runs.filter((r) => r.status === 'failed').length,
      paramsReduction: reduction((c) => [c.before.params, c.after.nonZeroParams ?? c.after.params]),
      flopsReduction: reduction((c) => [c.before.flops, c.after.flops]),
      paramsAfter: mean(cost.map((c) => c.after.nonZeroParams ?? c.after.params)),
      flopsAfter: mean(cost.map((c) => c.after.flops)),
      extraForwardSamples: mean(pruneRecords.map((p) => p.ledger?.extraForwardSamples ?? 0)),
      extraBackwardSamples: mean(pruneRecords.map((p) => p.ledger?.extraBackwardSamples ?? 0)),
      extraOptimizerSteps: mean(pruneRecords.map((p) => p.ledger?.extraOptimizerSteps ?? 0)),
      optimizerSteps: finished[0]?.ledger?.optimizerSteps ?? 0,
      samples: finished[0]?.ledger?.samples ?? 0,
    };
  });
  rows.sort((a, b) => a.budget - b.budget || a.pruner.localeCompare(b.pruner) || a.schedule.localeCompare(b.schedule));
  return {
    original: {
      top1: meanStd(originals.map((r) => r.metrics?.test?.top1 ?? NaN)),
      params: originals[0]?.cost?.before.params ?? NaN,
      flops: originals[0]?.cost?.before.flops ?? NaN,
      seeds: originals.map((r) => r.seed).sort((a, b) => a - b),
    },
    rows,
    failedRuns: records.filter((r) => r.status === 'failed').map((r) => ({ id: r.id, error: r.error ?? '' })),
  };
}

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(2)}` : '–');
export const formatStat = (s: Stat) => (s.n === 0 ? '–' : s.n === 1 ? pct(s.mean) : `${pct(s.mean)} ± ${pct(s.std)}`);
const fmtCount = (v: number) => (Number.isFinite(v) ? (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : `${Math.round(v)}`) : '–');
const fmtPct = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)}%` : '–');

function extraCost(row: SummaryRow): string {
  const parts: string[] = [];
  if (row.extraForwardSamples) parts.push(`${fmtCount(row.extraForwardSamples)} fwd`);
  if (row.extraBackwardSamples) parts.push(`${fmtCount(row.extraBackwardSamples)} bwd`);
  if (row.extraOptimizerSteps) parts.push(`${fmtCount(row.extraOptimizerSteps)} steps`);
  return parts.length ? parts.join(', ') : 'none';
}

/** summary.md: the table a reader looks at first. */
export function summaryMarkdown(summary: Summary, title = 'prunebench study'): string {
  const lines = [
    `# ${title}`,
    '',
    `Original (unpruned): test top-1 ${formatStat(summary.original.top1)} % over seeds [${summary.original.seeds.join(', ')}]; ` +
      `${fmtCount(summary.original.params)} params, ${fmtCount(summary.original.flops)} FLOPs (multiply-accumulates).`,
    '',
    `Test top-1 accuracy (%), ${summary.rows.some((r) => r.top1.n >= 2) ? 'mean ± std over seeds' : 'one seed per row (no spread to show)'}. Every retraining run of one budget took the same optimizer steps on the same samples (audited).`,
    '',
    '| pruner | schedule | budget (epochs) | top-1 (%) | seeds | params ↓ | FLOPs ↓ | pruner\'s extra passes | retraining steps |',
    '|---|---|---:|---:|---:|---:|---:|---|---:|',
    ...summary.rows.map((row) => {
      const notes = [row.diverged ? `${row.diverged} diverged` : '', row.failed ? `${row.failed} failed` : ''].filter(Boolean).join(', ');
      return `| ${row.pruner} | ${row.schedule} | ${row.budget} | ${formatStat(row.top1)}${notes ? ` (${notes})` : ''} | ${row.seeds.length} | ${fmtPct(row.paramsReduction)} | ${fmtPct(row.flopsReduction)} | ${extraCost(row)} | ${row.optimizerSteps} |`;
    }),
  ];
  if (summary.failedRuns.length) {
    lines.push('', '## Failed runs', '', ...summary.failedRuns.map((f) => `- \`${f.id}\`: ${f.error.split('\n')[0]}`));
  }
  return `${lines.join('\n')}\n`;
}

function csvCell(value: unknown): string {
  const text = value === undefined || (typeof value === 'number' && !Number.isFinite(value)) ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** summary.csv: the same rows, machine-readable (accuracies as fractions). */
export function summaryCsv(summary: Summary): string {
  const header = [
    'pruner', 'schedule', 'budget', 'top1_mean', 'top1_std', 'n', 'diverged', 'failed',
    'params_reduction_pct', 'flops_reduction_pct', 'params_after', 'flops_after',
    'extra_forward_samples', 'extra_backward_samples', 'extra_optimizer_steps', 'optimizer_steps', 'samples',
    'original_top1_mean', 'original_top1_std',
  ];
  const rows = summary.rows.map((r) => [
    r.pruner, r.schedule, r.budget, r.top1.mean, r.top1.std, r.top1.n, r.diverged, r.failed,
    r.paramsReduction, r.flopsReduction, r.paramsAfter, r.flopsAfter,
    r.extraForwardSamples, r.extraBackwardSamples, r.extraOptimizerSteps, r.optimizerSteps, r.samples,
    summary.original.top1.mean, summary.original.top1.std,
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

/** results.jsonl: one line per run record. */
export function resultsJsonl(records: readonly RunRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
}
