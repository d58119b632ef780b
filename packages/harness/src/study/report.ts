import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@prunebench/core';
import { lineChartSvg, scatterChartSvg, type LineSeries, type ScatterSeries } from '../plot';
import { auditBudgets } from './audit';
import type { RunRecord } from './record';
import { ResultStore } from './store';
import type { Rejection } from './verify';
import { studyNotes } from './study-notes';
import { studyRuns } from './study-folder';
import { originalLine, relativeTo, resultsJsonl, summarize, summaryCsv, summaryMarkdown, summaryTable, type Summary } from './summary';

export interface ReportFiles {
  summaryMd: string;
  summaryCsv: string;
  resultsJsonl: string;
  reportHtml: string;
  figures: string[];
}

/**
 * Rebuilds a study's summary, figures and report.html from its run folders (what
 * `prunebench report DIR` does, and the last phase of `prunebench run`). Refuses, naming the
 * runs, when retraining runs of one budget differ in steps or samples.
 */
export async function writeReport(outDir: string, title = studyTitle(outDir)): Promise<ReportFiles & { summary: Summary; rejected: Rejection[] }> {
  const store = new ResultStore(outDir);
  if (!fs.existsSync(store.runsDir)) {
    throw new UsageError(`${outDir} holds no study results (no runs/ folder): give the --out folder of a \`prunebench run\``);
  }
  // Exactly the jobs study.json pins: runs of other definitions in the folder are never mixed in.
  // Records (or their files) that fail their checks are left out, and said so.
  const runs = studyRuns(outDir);
  const { own: records, rejected } = runs;
  auditBudgets(records);
  const summary = summarize(records);
  const notes = studyNotes(runs, outDir);
  const figures = await writeFigures(store, records, summary);
  const files: ReportFiles = {
    resultsJsonl: store.writeStudyFile('results.jsonl', resultsJsonl(records, outDir)),
    summaryMd: store.writeStudyFile('summary.md', `${summaryMarkdown(summary, title)}${notes.map((n) => `\n${n}\n`).join('')}`),
    summaryCsv: store.writeStudyFile('summary.csv', summaryCsv(summary)),
    figures,
    reportHtml: '',
  };
  files.reportHtml = store.writeStudyFile('report.html', reportHtml(summary, figures, outDir, title, configFileOf(outDir), notes));
  return { ...files, summary, rejected };
}

/** The config file of the study, from study.json (absolute there), or null. */
function configFileOf(outDir: string): string | null {
  try {
    return (JSON.parse(fs.readFileSync(path.join(outDir, 'study.json'), 'utf8')) as { study: { configFile: string | null } }).study.configFile;
  } catch {
    return null;
  }
}

/** The study's title, from the study.json that `prunebench run` leaves in the results folder. */
function studyTitle(outDir: string): string {
  try {
    const { study } = JSON.parse(fs.readFileSync(path.join(outDir, 'study.json'), 'utf8')) as { study: { configFile: string | null } };
    return study.configFile ? `prunebench study: ${path.basename(study.configFile)}` : 'prunebench quick study';
  } catch {
    return 'prunebench study';
  }
}

const seriesName = (pruner: string, schedule: string) => `${pruner} × ${schedule}`;

async function writeFigures(store: ResultStore, records: RunRecord[], summary: Summary): Promise<string[]> {
  const written: string[] = [];
  const write = (name: string, svg: string) => written.push(store.writeStudyFile(path.join('figures', name), svg));
  const rows = summary.rows.filter((r) => r.top1.n > 0);
  if (!rows.length) return written;

  // Figure 2 of the study: accuracy vs retraining budget, one line per pruner × schedule.
  const lines = new Map<string, { x: number[]; y: number[] }>();
  for (const row of rows) {
    const key = seriesName(row.pruner, row.schedule);
    const line = lines.get(key) ?? { x: [], y: [] };
    line.x.push(row.budget);
    line.y.push(100 * row.top1.mean);
    lines.set(key, line);
  }
  const accuracySeries: LineSeries[] = [...lines].map(([name, v]) => ({ name, ...v }));
  const budgets = new Set(rows.map((r) => r.budget));
  if (budgets.size > 1) {
    write('accuracy-vs-budget.svg', await lineChartSvg(accuracySeries, {
      title: 'Test accuracy vs retraining budget',
      xTitle: 'retraining budget (epochs)',
      yTitle: 'test top-1 (%)',
    }));
  }

  // The LR curves used: one per schedule, at the largest budget.
  const largest = Math.max(...budgets);
  const lrSeries: LineSeries[] = [];
  for (const schedule of [...new Set(rows.map((r) => r.schedule))]) {
    const run = records.find((r) => r.kind === 'retrain' && r.schedule === schedule && r.budget === largest && r.status === 'finished');
    const file = run && path.join(store.runDir(run.id), 'schedule.json');
    if (!file || !fs.existsSync(file)) continue;
    const points = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ epoch: number; lr: number }>;
    lrSeries.push({ name: schedule, x: points.map((p) => p.epoch), y: points.map((p) => p.lr) });
  }
  if (lrSeries.length) {
    write('learning-rates.svg', await lineChartSvg(lrSeries, {
      title: `Retraining learning rates (${largest} epochs)`,
      xTitle: 'epoch',
      yTitle: 'learning rate',
      logY: lrSeries.every((s) => Array.from(s.y).every((v) => v > 0)),
      interpolate: 'step-after',
    }));
  }

  // Accuracy vs FLOPs at the largest budget, one point per pruner × schedule.
  const scatter: ScatterSeries[] = [];
  for (const row of rows.filter((r) => r.budget === largest && Number.isFinite(r.flopsAfter))) {
    scatter.push({ name: seriesName(row.pruner, row.schedule), points: [{ x: row.flopsAfter / 1e6, y: 100 * row.top1.mean }] });
  }
  if (Number.isFinite(summary.original.top1.mean) && Number.isFinite(summary.original.flops)) {
    scatter.push({ name: 'original', points: [{ x: summary.original.flops / 1e6, y: 100 * summary.original.top1.mean }] });
  }
  if (scatter.length) {
    write('accuracy-vs-flops.svg', await scatterChartSvg(scatter, {
      title: `Test accuracy vs FLOPs (${largest}-epoch retraining)`,
      xTitle: 'FLOPs (millions of multiply-accumulates)',
      yTitle: 'test top-1 (%)',
    }));
  }
  return written;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * One self-contained page: the summary.md table (same columns, same cells), the failed runs
 * with their errors, and the figures inline. Paths are relative to the results folder.
 */
export function reportHtml(summary: Summary, figures: string[], outDir: string, title: string, configFile: string | null = null, notes: string[] = []): string {
  const table = summaryTable(summary);
  const svgs = figures.map((f) => fs.readFileSync(f, 'utf8').replace(/^<\?xml[^>]*>\s*/, ''));
  const config = configFile ? ` Config: <code>${escape(relativeTo(outDir, configFile))}</code> (relative to this folder).` : '';
  const failed = summary.failedRuns.length
    ? `<h2>Failed runs</h2>\n<ul>${summary.failedRuns.map((f) => `<li><code>runs/${escape(f.id)}</code>: <pre>${escape(f.error || 'no error text recorded')}</pre></li>`).join('\n')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}td:nth-child(-n+2),th:nth-child(-n+2),td:nth-child(8),th:nth-child(8){text-align:left}figure{margin:2rem 0}pre{white-space:pre-wrap;margin:.2rem 0}</style>
</head><body>
<h1>${escape(title)}</h1>
<p>${escape(originalLine(summary))} Test top-1 accuracy (%), mean ± std over seeds. Every retraining run of one budget took the same optimizer steps on the same samples (audited).${config}</p>
${notes.map((n) => `<p>${escape(n)}</p>`).join('\n')}
<table><thead><tr>${table.header.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead>
<tbody>${table.rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>
${failed}
${svgs.map((svg, i) => `<figure>${svg}<figcaption>${escape(relativeTo(outDir, figures[i]))}</figcaption></figure>`).join('\n')}
</body></html>
`;
}
