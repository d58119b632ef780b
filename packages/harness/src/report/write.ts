import { plural } from '../util/plural';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StudyDefinition } from '../study/definition';
import type { RunRecord } from '../study/record';
import type { ResultStore } from '../study/store';
import { summaryTable, type Summary } from '../study/summary';
import { analyzeStudy, type Analysis } from './analysis';
import { readPredictions } from '../study/predictions';
import { type Block, toHtml, toMarkdown } from './document';
import { accuracyVsBudgetSpec, learningRateSpec, type LrCurve, paretoSpec, renderSpec, styleScales } from './figures';
import { count } from './format';
import { runsCsv } from './runs-csv';
import { comparisonsCsvs } from './comparisons-csv';
import { type ReportFigure, studyReportBlocks } from './study-report';

/** The summary's rows (summary.ts) as the report's last table. */
function allRowsBlock(summary: Summary): Block {
  const table = summaryTable(summary);
  return {
    kind: 'table',
    caption: 'Every pruner × schedule × budget (test top-1 %, mean ± std where there are several seeds; the pruner\'s cost as the harness measured it and as it charged itself).',
    header: table.header,
    rows: table.rows,
  };
}

function lrCurves(store: ResultStore, records: readonly RunRecord[], analysis: Analysis, budget: number): LrCurve[] {
  return analysis.schedules.flatMap((schedule) => {
    const run = records.find((r) => r.kind === 'retrain' && r.schedule === schedule && r.budget === budget && r.status !== 'failed');
    const file = run && path.join(store.runDir(run.id), 'schedule.json');
    if (!file || !fs.existsSync(file)) return [];
    return [{ schedule, points: JSON.parse(fs.readFileSync(file, 'utf8')) as LrCurve['points'] }];
  });
}

export interface StudyReportFiles {
  summaryMd: string;
  reportHtml: string;
  runsCsv: string;
  /** gains.csv, lifts.csv, baselines.csv and mcnemar.csv (report/comparisons-csv.ts). */
  comparisonCsvs: string[];
  figures: string[];
  analysis: Analysis;
}

/** Writes summary.md, report.html, runs.csv and figures/*.svg of a study's results folder. */
export async function writeStudyReport(store: ResultStore, records: readonly RunRecord[], summary: Summary, title: string, study?: StudyDefinition, notes: string[] = [], studyRuns?: number): Promise<StudyReportFiles> {
  const analysis = analyzeStudy(records, study, { predictions: (id) => readPredictions(store.runDir(id)) });
  const style = styleScales(analysis);
  const figures: ReportFigure[] = [];
  const figureNotes: string[] = [];
  if (analysis.cells.some((c) => c.top1.n > 0)) {
    figures.push({
      file: 'figures/accuracy-vs-budget.svg',
      svg: await renderSpec(accuracyVsBudgetSpec(analysis, style)),
      caption: `Test top-1 vs retraining budget, one panel per pruner (its marker) and one colour per schedule, the schedules of a budget side by side: mean with a marker at each budget, the 95% CI as a bar, each seed as a small outlined dot; dashed: the original${analysis.baselines.length ? `; dotted: the baselines (${[...new Set(analysis.baselines.map((b) => b.name))].join(', ')})` : ''}.`,
    });
    if (analysis.distinctFlops >= 2) {
      figures.push({
        file: 'figures/accuracy-vs-macs.svg',
        svg: await renderSpec(paretoSpec(analysis, style)),
        caption: 'Test top-1 vs FLOPs after pruning at the largest budget (colour: schedule, marker: pruner); dashed: the Pareto frontier.',
      });
    } else {
      figureNotes.push('No accuracy-vs-FLOPs chart: every pruner of this study removes the same FLOPs (run several ratios or plans for a Pareto chart).');
    }
  }
  const largest = analysis.budgets[analysis.budgets.length - 1];
  const curves = largest === undefined ? [] : lrCurves(store, records, analysis, largest);
  if (curves.length) {
    figures.push({ file: 'figures/learning-rates.svg', svg: await renderSpec(learningRateSpec(curves, largest, style)), caption: `The retraining schedules' learning rate and momentum at ${plural(largest, 'epoch')}, as run.` });
  }
  const written = figures.map((f) => store.writeStudyFile(f.file, f.svg));
  const blocks = studyReportBlocks({ title, records, analysis, study, figures, figureNotes, allRows: allRowsBlock(summary), notes, studyRuns });
  return {
    summaryMd: store.writeStudyFile('summary.md', toMarkdown(blocks)),
    reportHtml: store.writeStudyFile('report.html', toHtml(title, blocks)),
    runsCsv: store.writeStudyFile('runs.csv', runsCsv(records)),
    comparisonCsvs: Object.entries(comparisonsCsvs(analysis)).map(([file, text]) => store.writeStudyFile(file, text)),
    figures: written,
    analysis,
  };
}
