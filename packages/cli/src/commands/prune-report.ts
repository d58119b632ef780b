import * as path from 'node:path';
import type { GroupPruning, LedgerEntries } from '@prunebench/core';
import type { Evaluation, TrainingRecipe } from '@prunebench/harness';
import { formatTable } from '../io';
import type { OutputCheck } from './prune-check';
import type { FinetuneOutcome, SplitMetrics } from './prune-finetune';
import type { LatencyComparison } from './prune-latency';

/** pruning.json: what was pruned, how, what it saved, and what was measured. */
export interface PruningReport {
  format: 1;
  /** The input model.json. */
  source: string;
  out: string;
  createdAt: string;
  /** The pruner's config entry, options validated and defaults filled. */
  pruner: Record<string, unknown> & { use: string };
  criterion: string;
  plan: unknown;
  structured: boolean;
  seed: number;
  /** Every prunable group: its producers, kept / total and which channels were kept. */
  groups: Array<GroupPruning & { keptChannels: number[] }>;
  /** Params (every trainable weight, BN's gamma and beta too) and MACs of conv and dense layers. */
  cost: {
    before: { params: number; macs: number };
    after: { params: number; macs: number; nonZeroParams?: number };
    /** Percent fewer (non-zero, for weight masks) params and fewer MACs. */
    reduction: { paramsPercent: number; macsPercent: number };
  };
  check: OutputCheck;
  latency: LatencyComparison;
  masks?: { file: string; weights: string[] };
  dataset?: Record<string, unknown> & { use: string };
  /** On the dataset's test split: the original, and the pruned model before any fine-tuning. */
  accuracy?: { original: SplitMetrics; pruned: SplitMetrics };
  /** The fine-tuning run: its schedule, budget and recipe, and what the trainer reported. */
  finetune?: FinetuneOutcome & { schedule: Record<string, unknown> & { use: string }; epochs: number; recipe: TrainingRecipe };
  ledger: LedgerEntries;
  versions: Record<string, unknown> & { plugins: Array<{ name: string; version: string; package: string }> };
  /** The files written to `out`. */
  files?: string[];
}

const count = (n: number) => n.toLocaleString('en-US');
const top1 = (e: Evaluation) => `${(100 * e.top1).toFixed(2)}%`;
const ms = (value: number) => (value >= 10 ? value.toFixed(1) : value.toFixed(2));

/** The human-readable account of a prune (once checked and timed), for the terminal. */
export function describePruning(report: PruningReport): string {
  const lines: string[] = [];
  const planText = report.plan === null ? `sparsity ${String(report.pruner.sparsity)}` : `plan ${JSON.stringify(report.plan)}`;
  lines.push(`pruned ${report.source}`);
  lines.push(`  with criterion "${report.criterion}", ${planText}, seed ${report.seed} (backend ${String(report.versions.backend)})`);
  const pruned = report.groups.filter((g) => g.kept < g.total);
  if (pruned.length) {
    lines.push('');
    lines.push(
      formatTable(
        ['group', 'layers', 'convs', 'kept / total'],
        pruned.map((g) => [`g${g.group}`, g.layers.join(', '), g.convIndices.join(', '), `${g.kept} / ${g.total}`]),
      ).trimEnd(),
    );
  }
  const { before, after, reduction } = report.cost;
  lines.push('');
  const paramsAfter = after.nonZeroParams !== undefined ? `${count(after.nonZeroParams)} non-zero` : count(after.params);
  lines.push(`params ${count(before.params)} → ${paramsAfter} (−${reduction.paramsPercent}%)`);
  lines.push(`MACs   ${count(before.macs)} → ${count(after.macs)} (−${reduction.macsPercent}%)`);
  const { check } = report;
  lines.push(
    `check: outputs match the original with the pruned ${report.structured ? 'channels' : 'weights'} zeroed: ` +
      `max |error| ${check.maxAbsError.toExponential(2)}, relative ${check.relativeError.toExponential(2)} ≤ ${check.tolerance}`,
  );
  lines.push('');
  const runs = [...new Set([...report.latency.original, ...report.latency.pruned].map((l) => l.runs))].join('/');
  lines.push(`latency on ${report.latency.backend} (median of ${runs} runs after ${report.latency.warmupRuns} warm-up runs):`);
  lines.push(
    formatTable(
      ['batch', 'original ms', 'pruned ms', 'speed-up', 'pruned img/s'],
      report.latency.original.map((o, i) => {
        const p = report.latency.pruned[i];
        return [String(o.batchSize), ms(o.medianMs), ms(p.medianMs), `${report.latency.speedup[i].ratio.toFixed(2)}×`, p.imagesPerSecond.toFixed(0)];
      }),
    ).trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

/** After fine-tuning (if any): accuracies and the files written. */
export function describeOutcome(report: PruningReport): string {
  const lines: string[] = [];
  if (report.accuracy) {
    lines.push('');
    const tuned = report.finetune?.after ? `, fine-tuned ${top1(report.finetune.after.test)}` : '';
    lines.push(`test top-1: original ${top1(report.accuracy.original.test)}, pruned ${top1(report.accuracy.pruned.test)}${tuned}`);
  }
  lines.push('');
  const relative = path.relative(process.cwd(), report.out);
  const dir = relative.startsWith('..') ? report.out : relative || '.';
  const files = report.files ?? [];
  const shards = files.filter((f) => /^group\d+-shard\d+of\d+\.bin$/.test(f)).length;
  const others = files.filter((f) => !/^group\d+-shard\d+of\d+\.bin$/.test(f));
  lines.push(`wrote ${dir}${path.sep}: ${others.join(', ')} and ${shards} weight shard${shards === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
