import * as path from 'node:path';
import { latexDocument, ResultStore, writeReport } from '@prunebench/harness';
import type { Command } from 'commander';
import { nameList } from '../flags';
import type { Io } from '../io';

/** What `--format` takes: the report's usual files, and a LaTeX document of its tables. */
export const REPORT_FORMATS = ['html', 'latex'] as const;

export function parseFormats(text: string): Set<(typeof REPORT_FORMATS)[number]> {
  return new Set(nameList(text.toLowerCase(), REPORT_FORMATS, '--format', 'format'));
}

/** `prunebench report DIR [--format html,latex]`: rebuilds the summary and figures from the run folders. */
export function registerReportCommand(program: Command, io: Io): void {
  program
    .command('report')
    .description('rebuild summary.md/.csv, runs.csv, results.jsonl, the figures and report.html from a results folder')
    .argument('<dir>', 'the results folder of a `prunebench run`')
    .option('-f, --format <formats>', 'also write: latex (report.tex, booktabs tables that compile with pdflatex); html, the usual files, are always written', 'html')
    .action(async (dir: string, options: { format: string }) => {
      const formats = parseFormats(options.format);
      const report = await writeReport(path.resolve(dir));
      for (const r of report.rejected) io.err(`prunebench: left out runs/${r.id}: ${r.file} ${r.why} (\`prunebench run\` redoes it)\n`);
      const written = [report.summaryMd, report.summaryCsv, report.runsCsv, report.resultsJsonl, ...report.figures, report.reportHtml];
      if (formats.has('latex')) {
        written.push(new ResultStore(path.resolve(dir)).writeStudyFile('report.tex', latexDocument(report.analysis, report.title)));
      }
      for (const file of written) io.out(`${path.relative(process.cwd(), file)}\n`);
    });
}
