import * as path from 'node:path';
import { writeReport } from '@prunebench/harness';
import type { Command } from 'commander';
import type { Io } from '../io';

/** `prunebench report DIR`: rebuilds the summary and figures from the run folders. */
export function registerReportCommand(program: Command, io: Io): void {
  program
    .command('report')
    .description('rebuild summary.md/.csv, runs.csv, results.jsonl, the figures and report.html from a results folder')
    .argument('<dir>', 'the results folder of a `prunebench run`')
    .action(async (dir: string) => {
      const report = await writeReport(path.resolve(dir));
      for (const r of report.rejected) io.err(`prunebench: left out runs/${r.id}: ${r.file} ${r.why} (\`prunebench run\` redoes it)\n`);
      for (const file of [report.summaryMd, report.summaryCsv, report.runsCsv, report.resultsJsonl, ...report.figures, report.reportHtml]) {
        io.out(`${path.relative(process.cwd(), file)}\n`);
      }
    });
}
