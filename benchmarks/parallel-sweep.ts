// Parallel speed-up of a study sweep: the same retraining runs with 1 and with 2 worker threads.
//
//   npm run build && node benchmarks/dist/parallel-sweep.js [--runs 8] [--epochs 8] [--json]
//
// A study's originals and prunes come first and are shared, so they are run once; their run
// folders are then copied into two fresh results folders, and only the retraining sweep (equal
// runs: same pruned model, same budget, different schedules) is timed there, as whole
// `prunebench run` processes (startup and worker start-up included), with --workers 1 and 2.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeSteal, numberOption, prepareSweep, speedupFigures, withSteal } from './sweep-study';

// Compiled to benchmarks/dist/, so the repository is two folders up.
const bin = path.resolve(__dirname, '..', '..', 'packages', 'cli', 'dist', 'bin.js');

function run(config: string, out: string, workers: number): number {
  const start = performance.now();
  execFileSync(process.execPath, [bin, 'run', '--config', config, '--out', out, '--workers', String(workers)], { stdio: 'ignore' });
  return (performance.now() - start) / 1000;
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const retrainRuns = numberOption('--runs', 8);
  const epochs = numberOption('--epochs', 8);
  if (!fs.existsSync(bin)) throw new Error(`build first (npm run build): ${bin} is missing`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-parallel-'));
  const { configFile, seed, describe } = prepareSweep(root, bin, { runs: retrainRuns, epochs });
  const one = path.join(root, 'one');
  const two = path.join(root, 'two');
  seed(one);
  seed(two);
  const sweep1 = await withSteal(() => run(configFile, one, 1));
  const sweep2 = await withSteal(() => run(configFile, two, 2));
  const result = {
    ...speedupFigures(retrainRuns, sweep1.seconds, sweep2.seconds),
    epochs,
    // CPU seconds the hypervisor gave other guests during each sweep (null where unknown).
    stolenCpuSeconds: { oneWorker: sweep1.steal, twoWorkers: sweep2.steal },
  };
  fs.rmSync(root, { recursive: true, force: true });
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    process.stdout.write(
      `sweep of ${retrainRuns} equal retraining runs (${describe}), ${result.cores} cores\n` +
        `  1 worker:  ${result.secondsWith1Worker} s${describeSteal(sweep1.steal)}\n  2 workers: ${result.secondsWith2Workers} s${describeSteal(sweep2.steal)}\n` +
        `  speed-up:  ${result.speedup}× (target ≥ ${result.target}×)\n`,
    );
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
