// Training-step throughput of the reference CNN and a ResNet-20 on every tfjs backend, timed
// with tinybench. Usage (from the repository root):
//   npx tsc -b benchmarks && node benchmarks/dist/training-throughput.js [--json] [--steps N] [--warmup N] [--batch N] [--cpu-batch N] [--cpu-steps N]
// `prunebench bench [--json]` runs the same measurement.
import 'reflect-metadata';
import '@tensorflow/tfjs-layers';
import { formatTrainingBenchmark, runTrainingBenchmark, tinybenchMeasurer } from '@prunebench/harness';

function flag(name: string): number | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
}


async function main(): Promise<void> {
  const report = await runTrainingBenchmark({
    batchSize: flag('--batch'),
    warmupSteps: flag('--warmup'),
    measuredSteps: flag('--steps'),
    cpuMeasuredSteps: flag('--cpu-steps'),
    cpuBatchSize: flag('--cpu-batch'),
    measure: await tinybenchMeasurer(),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatTrainingBenchmark(report));
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
