import * as path from 'node:path';
import type { GroupPruning } from '@prunebench/core';
import type { Evaluation, LatencyComparison, PruningReport } from '@prunebench/harness';
import { formatTable } from './io';

const count = (n: number) => n.toLocaleString('en-US');
const top1 = (e: Evaluation) => `${(100 * e.top1).toFixed(2)}%`;
const ms = (value: number) => (value >= 10 ? value.toFixed(1) : value.toFixed(2));

/** The groups a plan prunes: kept / total channels of each (`inspect --plan`, `prune`). */
export function keptTable(groups: readonly GroupPruning[], columns?: number): string {
  const pruned = groups.filter((g) => g.kept < g.total);
  return formatTable(['group', 'layers', 'convs', 'kept / total'], pruned.map((g) => [`g${g.group}`, g.layers.join(', '), g.convIndices.join(', '), `${g.kept} / ${g.total}`]), columns);
}

const spread = (f: { medianMs: number; q1Ms: number; q3Ms: number }) => `${ms(f.medianMs)} (${ms(f.q1Ms)}–${ms(f.q3Ms)})`;

/** Latency of both models per batch size: median and interquartile range, and a line where the pruned one is slower. */
export function describeLatency(latency: LatencyComparison): string {
  const runs = [...new Set([...latency.original, ...latency.pruned].map((l) => l.runs))].join('/');
  const lines = [`latency on ${latency.backend}, ms: median (interquartile range) of ${runs} runs after ${latency.warmupRuns} warm-up runs:`];
  lines.push(
    formatTable(
      ['batch', 'original ms', 'pruned ms', 'speed-up', 'pruned img/s'],
      latency.original.map((o, i) => {
        const p = latency.pruned[i];
        return [String(o.batchSize), spread(o), spread(p), `${latency.speedup[i].ratio.toFixed(2)}×`, p.imagesPerSecond.toFixed(0)];
      }),
    ).trimEnd(),
  );
  for (const slow of latency.slower) {
    lines.push(
      `note: the pruned model is slower than the original at batch ${slow.batchSize} (${slow.ratio.toFixed(2)}×, ` +
        (slow.beyondSpread ? "beyond the runs' spread: its fastest quarter is slower than the original's slowest" : "within the runs' spread: time it again with more --latency-runs") +
        '); fewer channels do not always mean faster kernels on this backend',
    );
  }
  return lines.join('\n');
}

/** The human-readable account of a prune (once checked and timed), for the terminal. */
export function describePruning(report: PruningReport): string {
  const lines: string[] = [];
  const planText = report.plan === null ? `sparsity ${String(report.pruner.sparsity)}` : `plan ${JSON.stringify(report.plan)}`;
  lines.push(`${report.dryRun ? 'dry run: would prune' : 'pruned'} ${report.source}`);
  lines.push(`  with criterion "${report.criterion}", ${planText}, seed ${report.seed} (backend ${String(report.versions.backend)})`);
  if (report.groups.some((g) => g.kept < g.total)) lines.push('', keptTable(report.groups).trimEnd());
  if (report.leftWhole.length) {
    lines.push('', `left whole: the channels around ${report.leftWhole.map((l) => `"${l.layer}" (${l.className})`).join(', ')}, which the channel graph does not trace`);
  }
  const { before, after, reduction } = report.cost;
  lines.push('');
  const paramsAfter = after.nonZeroParams !== undefined ? `${count(after.nonZeroParams)} non-zero` : count(after.params);
  lines.push(`params ${count(before.params)} → ${paramsAfter} (−${reduction.paramsPercent}%)`);
  lines.push(`MACs   ${count(before.macs)} → ${count(after.macs)} (−${reduction.macsPercent}%)`);
  const { check } = report;
  lines.push(
    'skipped' in check
      ? `check: skipped: ${check.skipped}`
      : `check: outputs match the original with the pruned ${report.structured ? 'channels' : 'weights'} zeroed: ` +
          `max |error| ${check.maxAbsError.toExponential(2)}, relative ${check.relativeError.toExponential(2)} ≤ ${check.tolerance}`,
  );
  if (report.latency) lines.push('', describeLatency(report.latency));
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
  if (!report.out) return `${lines.join('\n')}dry run: nothing was saved\n`;
  const relative = path.relative(process.cwd(), report.out);
  const dir = relative.startsWith('..') ? report.out : relative || '.';
  const files = report.files ?? [];
  const shards = files.filter((f) => /^group\d+-shard\d+of\d+\.bin$/.test(f)).length;
  const others = files.filter((f) => !/^group\d+-shard\d+of\d+\.bin$/.test(f));
  lines.push(`wrote ${dir}${path.sep}: ${others.join(', ')} and ${shards} weight shard${shards === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
