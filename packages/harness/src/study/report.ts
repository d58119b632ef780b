import * as fs from 'node:fs';
import * as path from 'node:path';
import { PrunebenchError, UsageError } from '@prunebench/core';
import { writeStudyReport } from '../report/write';
import type { StudyDefinition } from './definition';
import type { Analysis } from '../report/analysis';
import { auditBudgets, UnequalBudgetError } from './audit';
import { jobKinds } from './kinds';
import type { RunRecord } from './record';
import { ResultStore } from './store';
import type { Rejection } from './verify';
import { studyNotes } from './study-notes';
import { studyRuns } from './study-folder';
import { originalsDiverged, relativeTo, resultsJsonl, summarize, summaryCsv, type Summary } from './summary';

/**
 * No record of the study could be trusted (e.g. all written before records were sealed): a report
 * of nothing would overwrite the folder's last summary, so none is written.
 */
export class NothingVerifiedError extends PrunebenchError {}

export interface ReportFiles {
  summaryMd: string;
  summaryCsv: string;
  resultsJsonl: string;
  reportHtml: string;
  /** runs.csv: one flat line per run. */
  runsCsv: string;
  figures: string[];
}

/**
 * Rebuilds a study's summary, figures and report.html from its run folders (what
 * `prunebench report DIR` does, and the last phase of `prunebench run`). Refuses, naming the
 * runs, when retraining runs of one budget differ in steps or samples.
 */
export async function writeReport(outDir: string, givenTitle?: string): Promise<ReportFiles & { summary: Summary; analysis: Analysis; rejected: Rejection[]; title: string }> {
  const store = new ResultStore(outDir);
  if (!fs.existsSync(store.runsDir)) {
    throw new UsageError(`${outDir} holds no study results (no runs/ folder): give the --out folder of a \`prunebench run\``);
  }
  // Exactly the jobs study.json pins: runs of other definitions in the folder are never mixed in.
  // Records (or their files) that fail their checks are left out, and said so.
  const runs = studyRuns(outDir);
  const { own: records, rejected } = runs;
  if (records.length === 0 && rejected.length > 0) {
    const first = rejected[0];
    throw new NothingVerifiedError(
      `none of the ${rejected.length} run records in ${outDir} passed its checks (e.g. runs/${first.id}: ${first.file} ${first.why}); ` +
        'the summary, figures and report there were left as they are: `prunebench run` with the same config redoes the runs',
    );
  }
  const title = givenTitle ?? studyTitle(runs.study.study);
  auditBudgets(records);
  for (const kind of jobKinds()) {
    const problem = kind.audit?.(records);
    if (problem) throw new UnequalBudgetError(`refusing to write a summary: ${problem}`);
  }
  const summary = summarize(records);
  const configFile = runs.study.configFile;
  const notes = [
    ...(configFile ? [`Config file: \`${relativeTo(outDir, configFile)}\` (relative to this results folder).`] : []),
    ...(summary.original.diverged ? [originalsDiverged(summary)] : []),
    ...studyNotes(runs, outDir),
  ];
  const report = await writeStudyReport(store, records, summary, title, runs.study.study, notes, runs.study.jobs.length);
  const files: ReportFiles = {
    resultsJsonl: store.writeStudyFile('results.jsonl', resultsJsonl(records, outDir)),
    summaryMd: report.summaryMd,
    summaryCsv: store.writeStudyFile('summary.csv', summaryCsv(summary)),
    runsCsv: report.runsCsv,
    figures: report.figures,
    reportHtml: report.reportHtml,
  };
  return { ...files, summary, analysis: report.analysis, rejected, title };
}

/** The study's title, from the definition study.json pins. */
function studyTitle(study: StudyDefinition): string {
  return study.configFile ? `prunebench study: ${path.basename(study.configFile)}` : 'prunebench quick study';
}
