import * as path from 'node:path';
import { groupRuns } from '../report/run-groups';
import { csvTable } from '../report/runs-csv';
import { summarizeSample, type SampleSummary } from './statistics';
import type { RunRecord } from './record';

/** Accuracy over seeds: the study's one mean and std (statistics.ts; the std is NaN below two seeds). */
export type Stat = SampleSummary;

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
  /** Runs not made because their original diverged. */
  notRun: number;
  /** Reductions by pruning, percent of the original (mean over seeds). */
  paramsReduction: number;
  macsReduction: number;
  paramsAfter: number;
  macsAfter: number;
  /** What the harness measured the pruner spending (per prune, mean): examples served, engine MACs, optimizer steps. */
  measuredExamples: number;
  measuredPrunerMacs: number;
  measuredPrunerSteps: number;
  /** CPU time of the thread that pruned (per prune, mean), seconds: work outside the engine shows here. */
  measuredPrunerCpuSeconds: number;
  /** Prunes whose own charges disagree with the measurement. */
  costMismatches: number;
  /** Engine MACs of one retraining (mean), and retraining plus pruning: the study's one unit of compute. */
  retrainMacs: number;
  totalMacs: number;
  /** Extra passes the pruner charged itself (per seed, mean), in samples: shown beside the measurement. */
  extraForwardSamples: number;
  extraBackwardSamples: number;
  extraOptimizerSteps: number;
  /** Retraining cost of one run: optimizer steps and samples (equal by audit). */
  optimizerSteps: number;
  samples: number;
}

export interface Summary {
  original: { top1: Stat; params: number; flops: number; seeds: number[]; diverged: number };
  rows: SummaryRow[];
  failedRuns: Array<{ id: string; error: string }>;
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);

/** Aggregates run records into the study's summary (the caller audits budgets first). */
export function summarize(records: readonly RunRecord[]): Summary {
  const originals = records.filter((r) => r.kind === 'original' && r.status === 'finished');
  const prunes = new Map(records.filter((r) => r.kind === 'prune').map((r) => [r.id, r]));
  // The same groups the report's tables and figures are made of (report/run-groups.ts).
  const rows: SummaryRow[] = groupRuns(records).map((group) => {
    const { runs, finished } = group;
    const pruneRecords = runs.map((r) => prunes.get(String(r.definition.prune))).filter((p): p is RunRecord => !!p);
    const cost = finished.map((r) => r.cost).filter((c) => !!c) as NonNullable<RunRecord['cost']>[];
    const reduction = (pick: (c: NonNullable<RunRecord['cost']>) => [number, number]) =>
      mean(cost.map((c) => {
        const [before, after] = pick(c);
        return (100 * (before - after)) / before;
      }));
    const top5 = finished.map((r) => r.metrics?.test?.top5).filter((v): v is number => v !== undefined);
    return {
      pruner: group.pruner,
      schedule: group.schedule,
      budget: group.budget,
      top1: group.top1,
      ...(top5.length ? { top5: summarizeSample(top5) } : {}),
      seeds: finished.map((r) => r.seed).sort((a, b) => a - b),
      diverged: group.diverged,
      failed: group.failed,
      notRun: group.notRun,
      paramsReduction: reduction((c) => [c.before.params, c.after.nonZeroParams ?? c.after.params]),
      macsReduction: reduction((c) => [c.before.macs, c.after.macs]),
      paramsAfter: mean(cost.map((c) => c.after.nonZeroParams ?? c.after.params)),
      macsAfter: mean(cost.map((c) => c.after.macs)),
      measuredExamples: mean(pruneRecords.map((p) => p.measured?.examplesServed ?? NaN)),
      measuredPrunerMacs: mean(pruneRecords.map((p) => p.measured?.macs ?? NaN)),
      measuredPrunerSteps: mean(pruneRecords.map((p) => p.measured?.optimizerSteps ?? NaN)),
      measuredPrunerCpuSeconds: mean(pruneRecords.map((p) => p.measured?.cpuSeconds ?? NaN)),
      costMismatches: pruneRecords.filter((p) => p.costMismatch?.length).length,
      retrainMacs: mean(finished.map((r) => r.measured?.macs ?? NaN)),
      totalMacs: mean(finished.map((r) => (r.measured?.macs ?? NaN) + (prunes.get(String(r.definition.prune))?.measured?.macs ?? NaN))),
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
      top1: summarizeSample(originals.map((r) => r.metrics?.test?.top1 ?? NaN)),
      params: originals[0]?.cost?.before.params ?? NaN,
      flops: originals[0]?.cost?.before.macs ?? NaN,
      seeds: originals.map((r) => r.seed).sort((a, b) => a - b),
      diverged: records.filter((r) => r.kind === 'original' && r.status === 'diverged').length,
    },
    rows,
    failedRuns: records.filter((r) => r.status === 'failed').map((r) => ({ id: r.id, error: r.error ?? '' })),
  };
}

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(2)}` : '–');
export const formatStat = (s: Stat) => (s.n === 0 ? '–' : s.n === 1 ? pct(s.mean) : `${pct(s.mean)} ± ${pct(s.std)}`);
const fmtCount = (v: number) => (Number.isFinite(v) ? (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : `${Math.round(v)}`) : '–');
export const fmtPct = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)}%` : '–');

export const fmtMacs = (v: number) => (Number.isFinite(v) ? (v >= 1e9 ? `${(v / 1e9).toFixed(2)} G` : v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : `${Math.round(v)}`) : '–');

/** CPU seconds, to what a thread clock can tell (ms). */
export const fmtSeconds = (v: number) => (Number.isFinite(v) ? (v < 0.001 ? '< 0.001' : v < 10 ? v.toFixed(3) : v.toFixed(1)) : '–');

/** What the harness measured the pruner spending (the "extra cost" a reader compares). */
export function measuredCost(row: SummaryRow): string {
  if (!Number.isFinite(row.measuredPrunerMacs)) return '–';
  const parts: string[] = [];
  if (row.measuredExamples) parts.push(`${fmtCount(row.measuredExamples)} examples`);
  if (row.measuredPrunerMacs) parts.push(`${fmtMacs(row.measuredPrunerMacs)}MAC`);
  if (row.measuredPrunerSteps) parts.push(`${fmtCount(row.measuredPrunerSteps)} steps`);
  return parts.length ? parts.join(', ') : 'none';
}

export function extraCost(row: SummaryRow): string {
  const parts: string[] = [];
  if (row.extraForwardSamples) parts.push(`${fmtCount(row.extraForwardSamples)} fwd`);
  if (row.extraBackwardSamples) parts.push(`${fmtCount(row.extraBackwardSamples)} bwd`);
  if (row.extraOptimizerSteps) parts.push(`${fmtCount(row.extraOptimizerSteps)} steps`);
  const declared = parts.length ? parts.join(', ') : 'none';
  return row.costMismatches ? `${declared} ⚠ differs from the measurement` : declared;
}

/** The sentence that says some originals diverged (and so nothing was pruned from them). */
export function originalsDiverged(summary: Summary): string {
  return `${summary.original.diverged} original(s) diverged (loss NaN or above the divergence bound): what would prune and retrain them was not run.`;
}

/** The table of summary.md and report.html: one header, the same cells (plain text). */
export interface SummaryTable {
  header: string[];
  rows: string[][];
}

export function summaryTable(summary: Summary): SummaryTable {
  return {
    header: ['pruner', 'schedule', 'budget (epochs)', 'top-1 (%)', 'seeds', 'params ↓', 'FLOPs ↓', "pruner's cost (measured)", "pruner's cost (declared)", 'pruner CPU (s)', 'retraining steps', 'total compute (MAC)'],
    rows: summary.rows.map((row) => {
      const notes = [row.diverged ? `${row.diverged} diverged` : '', row.failed ? `${row.failed} failed` : '', row.notRun ? `${row.notRun} not run: the original diverged` : ''].filter(Boolean).join(', ');
      return [
        row.pruner, row.schedule, String(row.budget), `${formatStat(row.top1)}${notes ? ` (${notes})` : ''}`, String(row.seeds.length),
        fmtPct(row.paramsReduction), fmtPct(row.macsReduction), measuredCost(row), extraCost(row), fmtSeconds(row.measuredPrunerCpuSeconds), String(row.optimizerSteps), fmtMacs(row.totalMacs),
      ];
    }),
  };
}

/** A percentage rounded to what the data can mean (1e-4 %), so no float noise reaches the file. */
const percent = (fraction: number) => round(100 * fraction, 4);
const round = (value: number, decimals: number) => (Number.isFinite(value) ? Number(value.toFixed(decimals)) : NaN);
/** Counts (params, MACs, samples, steps: means over seeds) as whole numbers. */
const whole = (value: number) => (Number.isFinite(value) ? Math.round(value) : NaN);
/** The 95% t interval of an accuracy's mean in percent, clipped to [0, 100]; empty below two seeds. */
const interval = (stat: Stat): [number, number] =>
  stat.n > 1 && Number.isFinite(stat.ci95) ? [percent(Math.max(0, stat.mean - stat.ci95)), percent(Math.min(1, stat.mean + stat.ci95))] : [NaN, NaN];
/** The std of one seed is not a measurement: left empty. */
const spread = (stat: Stat, scale: (v: number) => number) => (stat.n > 1 ? scale(stat.std) : NaN);

/**
 * summary.csv: the same rows, machine-readable. One unit per quantity, named in the column:
 * `_pct` percent, `_epochs`, `_samples`, `_steps`, `_macs` (multiply-accumulates); `params_after` and
 * `macs_after` are what they say, counts are whole numbers, `n` the seeds that finished, and a
 * column empty on every row is left out (one seed: no std, no interval).
 */
export function summaryCsv(summary: Summary): string {
  const header = [
    'pruner', 'schedule', 'budget_epochs', 'top1_mean_pct', 'top1_std_pct', 'top1_ci_low_pct', 'top1_ci_high_pct', 'n', 'diverged_runs', 'failed_runs',
    'params_reduction_pct', 'macs_reduction_pct', 'params_after', 'macs_after',
    'extra_forward_samples', 'extra_backward_samples', 'extra_optimizer_steps', 'retraining_optimizer_steps', 'retraining_samples',
    'measured_pruner_examples', 'measured_pruner_macs', 'measured_pruner_optimizer_steps', 'measured_pruner_cpu_seconds', 'cost_mismatches', 'retraining_macs', 'total_macs', 'not_run_runs',
    'original_top1_mean_pct', 'original_top1_std_pct',
  ];
  const rows = summary.rows.map((r) => [
    r.pruner, r.schedule, r.budget, percent(r.top1.mean), spread(r.top1, percent), ...interval(r.top1), r.seeds.length, r.diverged, r.failed,
    round(r.paramsReduction, 4), round(r.macsReduction, 4), whole(r.paramsAfter), whole(r.macsAfter),
    whole(r.extraForwardSamples), whole(r.extraBackwardSamples), whole(r.extraOptimizerSteps), r.optimizerSteps, r.samples,
    whole(r.measuredExamples), whole(r.measuredPrunerMacs), whole(r.measuredPrunerSteps), round(r.measuredPrunerCpuSeconds, 4), r.costMismatches, whole(r.retrainMacs), whole(r.totalMacs), r.notRun,
    percent(summary.original.top1.mean), spread(summary.original.top1, percent),
  ]);
  return csvTable(header, rows, ['pruner', 'schedule', 'budget_epochs', 'top1_mean_pct', 'n']);
}

/** `file` as seen from `dir`, with forward slashes (what reports print). */
export function relativeTo(dir: string, file: string): string {
  return path.relative(dir, file).split(path.sep).join('/') || '.';
}

/**
 * results.jsonl: one line per run record. With `outDir`, the config file is written relative
 * to the results folder, so a shared or committed folder shows no one's absolute paths.
 */
export function resultsJsonl(records: readonly RunRecord[], outDir?: string): string {
  const portable = (r: RunRecord): RunRecord =>
    outDir && r.configFile && path.isAbsolute(r.configFile) ? { ...r, configFile: relativeTo(outDir, r.configFile) } : r;
  return records.map((r) => JSON.stringify(portable(r))).join('\n') + (records.length ? '\n' : '');
}
