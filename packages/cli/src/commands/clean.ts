import * as path from 'node:path';
import { cleanStudyFolder } from '@prunebench/harness';
import type { Command } from 'commander';
import type { Io } from '../io';

/** `prunebench clean DIR [--dry-run]`: removes run folders that are not jobs of the folder's study. */
export function registerCleanCommand(program: Command, io: Io): void {
  program
    .command('clean')
    .description("remove the run folders of a results folder that are not part of its study (runs of an earlier definition)")
    .argument('<dir>', 'the results folder of a `prunebench run`')
    .option('-n, --dry-run', 'list what would be removed, remove nothing')
    .action((dir: string, options: { dryRun?: boolean }) => {
      const outDir = path.resolve(dir);
      // What goes is listed before anything is removed (a kill midway leaves the list on screen).
      const announce = (names: readonly string[]) => {
        for (const name of names) io.out(`${options.dryRun ? 'would remove' : 'removing'} runs/${name}\n`);
      };
      const { removed, kept } = cleanStudyFolder(outDir, { dryRun: options.dryRun, announce });
      io.out(`${options.dryRun ? 'Would remove' : 'Removed'} ${removed.length} run folder(s) not part of the study; kept ${kept} run(s) of the study.\n`);
    });
}
