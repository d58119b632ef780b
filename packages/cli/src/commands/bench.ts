import { BENCH_BACKENDS, BENCH_MODELS, formatTrainingBenchmark, loopMeasurer, runTrainingBenchmark, tinybenchMeasurer, type BenchBackend, type BenchModel, type Measurer } from '@prunebench/harness';
import type { Command } from 'commander';
import { nameList, wholeNumber } from '../flags';
import { printJson, type Io } from '../io';

interface BenchOptions {
  json?: boolean;
  backends?: string;
  models?: string;
  batch?: string;
  warmup?: string;
  steps?: string;
  cpuSteps?: string;
  cpuBatch?: string;
}

const list = <T extends string>(value: string | undefined, known: readonly T[], what: string) => (value === undefined ? undefined : nameList(value, known, `--${what}s`, what));
const count = (value: string | undefined, flag: string, min: number) => (value === undefined ? undefined : wholeNumber(value, flag, min));

/** tinybench (ESM only) when it can be loaded, else the built-in loop timer. */
async function measurer(): Promise<Measurer> {
  try {
    return await tinybenchMeasurer();
  } catch {
    return loopMeasurer;
  }
}

/** `prunebench bench [--json]`: training-step throughput per backend (see benchmarks/README.md). */
export function registerBenchCommand(program: Command, io: Io): void {
  program
    .command('bench')
    .description('measure training-step throughput (images/s, GFLOP/s) of a reference CNN and a ResNet-20 on every backend')
    .option('--json', 'print one JSON document')
    .option('--backends <list>', `comma-separated, from ${BENCH_BACKENDS.join(', ')} (default: all)`)
    .option('--models <list>', `comma-separated, from ${BENCH_MODELS.join(', ')} (default: reference-cnn, resnet20)`)
    .option('--batch <n>', 'batch size (default 128)')
    .option('--warmup <n>', 'untimed steps per model and backend (default 2)')
    .option('--steps <n>', 'timed steps per model and backend (default 8)')
    .option('--cpu-batch <n>', 'batch size on the slow cpu backend (default 4)')
    .option('--cpu-steps <n>', 'timed steps on the slow cpu backend (default 1, no warm-up)')
    .action(async (options: BenchOptions) => {
      const settings = {
        backends: list<BenchBackend>(options.backends, BENCH_BACKENDS, 'backend'),
        models: list<BenchModel>(options.models, BENCH_MODELS, 'model'),
        batchSize: count(options.batch, '--batch', 1),
        warmupSteps: count(options.warmup, '--warmup', 0),
        measuredSteps: count(options.steps, '--steps', 1),
        cpuMeasuredSteps: count(options.cpuSteps, '--cpu-steps', 1),
        cpuBatchSize: count(options.cpuBatch, '--cpu-batch', 1),
      };
      const report = await runTrainingBenchmark({
        ...settings,
        measure: await measurer(),
        log: (line) => io.err(`${line}\n`),
      });
      if (options.json) printJson(io, report);
      else io.out(formatTrainingBenchmark(report));
    });
}
