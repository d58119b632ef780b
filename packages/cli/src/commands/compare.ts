import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@prunebench/core';
import { compareStudies, comparisonCsv, comparisonHtml, comparisonMarkdown } from '@prunebench/harness';
import type { Command } from 'commander';
import type { Io } from '../io';

const FORMATS = { markdown: comparisonMarkdown, html: comparisonHtml, csv: comparisonCsv } as const;
type Format = keyof typeof FORMATS;

/** `--format`, else the `--out` file's extension, else markdown. */
function formatOf(format: string | undefined, out: string | undefined): Format {
  const chosen = format ?? (out ? { '.md': 'markdown', '.html': 'html', '.htm': 'html', '.csv': 'csv' }[path.extname(out).toLowerCase()] : undefined) ?? 'markdown';
  const normalised = chosen === 'md' ? 'markdown' : chosen;
  if (!(normalised in FORMATS)) throw new UsageError(`--format: expected markdown, html or csv (got "${chosen}")`);
  return normalised as Format;
}

/**
 * `prunebench compare A B [...] [--format markdown|html|csv] [--out FILE]`: the cells the studies
 * share, each study against the first with a paired test where the seeds and the test set allow,
 * and what differs in their definitions and identities.
 */
export function registerCompareCommand(program: Command, io: Io): void {
  program
    .command('compare')
    .description('put studies side by side: shared cells, differences with paired tests, what differs in their definitions and identities')
    .argument('<dirs...>', 'two or more results folders of `prunebench run` (the first is the baseline)')
    .option('-f, --format <format>', 'markdown (default), html or csv')
    .option('-o, --out <file>', 'write to this file (its extension picks the format) instead of stdout')
    .action(async (dirs: string[], options: { format?: string; out?: string }) => {
      if (dirs.length < 2) throw new UsageError('compare: give at least two results folders (the first is the baseline)');
      const format = formatOf(options.format, options.out);
      const text = FORMATS[format](compareStudies(dirs.map((d) => path.resolve(d))));
      if (options.out) {
        fs.mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
        fs.writeFileSync(options.out, text);
        io.out(`${options.out}\n`);
      } else {
        io.out(text);
      }
    });
}
