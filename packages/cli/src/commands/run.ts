import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@prunebench/core';
import { BACKEND_NAMES, loadConfig, queueUrlFrom, runStudy, runStudyOnQueue, RunsFailedError, STOP_GRACE_SECONDS, type StudySource } from '@prunebench/harness';
import type { Command } from 'commander';
import { BUILTIN_PLUGIN_MODULES } from '../builtins';
import type { Io } from '../io';
import { parseBackend, wholeNumber } from '../flags';
import { QUICK_STUDY } from '../quick-study';
import { printDryRun } from './run-dry';

interface RunOptions {
  config?: string;
  out?: string;
  backend?: string;
  workers?: string;
  queue?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** `prunebench run`: a study from the config found (or given), or the built-in quick study. */
export function registerRunCommand(program: Command, io: Io): void {
  program
    .command('run')
    .description('run a fair-budget study (the config found or given; with none, the built-in quick study)')
    .option('-c, --config <file>', 'config file (default: searched from the working folder up to the project root)')
    .option('-o, --out <dir>', 'results folder (default: the config\'s "out", else ./prunebench-results/<config name>)')
    .option('-b, --backend <name>', `tfjs backend: ${BACKEND_NAMES.join(', ')}`)
    .option('-w, --workers <n>', 'runs in parallel, each in its own worker thread (default: one per core)')
    .option('-n, --dry-run', 'list every run (done or to run) and the estimated time from the cost model, calibrated on the backend; train nothing, write nothing')
    .option('--json', 'with --dry-run: print the plan as one JSON document')
    .option('-q, --queue <url>', 'run on `prunebench worker`s through this Redis queue: redis://HOST:PORT or rediss:// (default: $PRUNEBENCH_REDIS_URL; none: run here)')
    .action(async (options: RunOptions) => {
      const overrides = { out: options.out, backend: parseBackend(options.backend), workers: options.workers === undefined ? undefined : wholeNumber(options.workers, '--workers') };
      // Only finds the config here: openStudy checks it, structure and components in one round.
      const loaded = await loadConfig({ file: options.config, deferStructureCheck: true });
      const source: StudySource = loaded
        ? { configFile: loaded.filepath, dir: loaded.dir, builtinModules: BUILTIN_PLUGIN_MODULES, overrides }
        : { configFile: null, inlineConfig: QUICK_STUDY, dir: process.cwd(), builtinModules: BUILTIN_PLUGIN_MODULES, overrides };
      if (options.dryRun) {
        io.err(loaded ? `prunebench: config ${loaded.filepath}\n` : 'prunebench: no config file found: the built-in quick study\n');
        await printDryRun(source, io, { json: options.json });
        return;
      }
      if (options.json) throw new UsageError('--json goes with --dry-run (a study prints its progress, then the summary)');
      io.err(loaded ? `prunebench: config ${loaded.filepath}\n` : 'prunebench: no config file found: running the built-in quick study\n');

      const queueUrl = queueUrlFrom(options.queue);
      // First Ctrl-C (or SIGTERM): finish the runs in flight, start no more (all finished runs
      // are kept); the second stops at once. On a queue: detach, the workers go on.
      const controller = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (controller.signal.aborted) process.exit(signal === 'SIGTERM' ? 143 : 130);
        const message = queueUrl
          ? `prunebench: ${signal}: detaching from the queue (the workers go on)`
          : `prunebench: ${signal}: stopping: the runs in flight get up to ${STOP_GRACE_SECONDS} s to end, then are abandoned (Ctrl-C again to stop now; finished runs are kept)`;
        // On a terminal the progress printer shows it above its status lines (which would draw over it here).
        if (!io.isTTY) io.err(`\n${message}\n`);
        controller.abort(message);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const progress = { write: io.out, isTTY: io.isTTY, signal: controller.signal };
        const outcome = queueUrl ? await runStudyOnQueue(source, { ...progress, url: queueUrl }) : await runStudy(source, progress);
        const relative = (file: string) => path.relative(process.cwd(), file) || '.';
        io.out(`\nSummary: ${relative(outcome.report.summaryMd)}\nReport:  ${relative(outcome.report.reportHtml)}\nRuns:    ${relative(outcome.report.runsCsv)}\n`);
        io.out(`\n${fs.readFileSync(outcome.report.summaryMd, 'utf8')}`);
        if (controller.signal.aborted && !queueUrl) throw new RunsFailedError('stopped before every run finished: run the same command again to resume');
        if (outcome.failed) {
          throw new RunsFailedError(`${outcome.failed} run(s) failed (see the summary); run the same command again to retry them`);
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
