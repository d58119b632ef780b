// Training-step throughput of the reference CNN and a ResNet-20 on every tfjs backend, timed
// with tinybench. Usage (from the repository root):
//   npx tsc -b benchmarks && node benchmarks/dist/training-throughput.js [--json] [--steps N] [--warmup N] [--batch N] [--cpu-batch N] [--cpu-steps N]
// `prunebench bench [--json]` runs the same measurement.
import 'reflect-metadata';
import '@tensorflow/tfjs-layers';
import {
  formatTrainingBenchmark,
  runTrainingBenchmark,
  type Measurer,
} from '@prunebench/core';

function flag(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
}

/** The part of tinybench's API used here (declared locally: tinybench is ESM only). */
interface TinybenchModule {
  Bench: new (options: Record<string, unknown>) => {
    add(name: string, fn: () => Promise<void>): unknown;
    run(): Promise<unknown>;
    tasks: Array<{ result?: unknown }>;
  };
}

async function tinybench(): Promise<Measurer> {
  // tinybench is ESM only: a real dynamic import from this CommonJS build.
  const load = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<TinybenchModule>;
  const { Bench } = await load('tinybench');
  return async (name, fn, { warmup, iterations }) => {
    const bench = new Bench({ iterations, time: 0, warmup: warmup > 0, warmupIterations: warmup, warmupTime: 0, throws: true });
    bench.add(name, fn);
    await bench.run();
    const result = bench.tasks[0].result as { latency?: { mean: number; samplesCount?: number } } | undefined;
    if (!result?.latency) throw new Error(`tinybench produced no latency for ${name}`);
    return { meanMs: result.latency.mean, iterations: result.latency.samplesCount ?? iterations };
  };
}

async function main(): Promise<void> {
  const report = await runTrainingBenchmark({
    batchSize: flag('--batch'),
    warmupSteps: flag('--warmup'),
    measuredSteps: flag('--steps'),
    cpuMeasuredSteps: flag('--cpu-steps'),
    cpuBatchSize: flag('--cpu-batch'),
    measure: await tinybench(),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatTrainingBenchmark(report));
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
