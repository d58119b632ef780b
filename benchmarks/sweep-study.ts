// The sweep both speed-up benchmarks time (parallel-sweep.ts: worker threads; queue-sweep.ts:
// worker processes on the Redis queue): `runs` equal retraining runs of one pruned vgg-small.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PreparedSweep {
  /** The sweep's config file. */
  configFile: string;
  /** Copies the shared original and prune into a fresh results folder, so only the sweep runs there. */
  seed(out: string): void;
}

/**
 * Writes the sweep's config into `root` and runs its shared prefix (the original and the prune)
 * once, locally, with the CLI at `bin`.
 */
export function prepareSweep(root: string, bin: string, runs: number): PreparedSweep {
  // Equal runs: one pruned model, one budget, `runs` schedules of the same cost.
  const schedules = Array.from({ length: runs }, (_, i) => ({ use: 'constant', lr: 0.01 + i * 0.001, label: `constant-${i}` }));
  const config = {
    dataset: { use: 'fashion-mnist', trainSize: 4096, testSize: 1000 },
    model: 'vgg-small',
    original: { epochs: 1, batchSize: 64, lr: 0.05, milestones: [], gamma: 0.1 },
    pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }],
    schedules,
    budgets: [3],
    seeds: [0],
    backend: 'auto',
  };
  const configFile = path.join(root, 'prunebench.config.json');
  fs.writeFileSync(configFile, JSON.stringify(config));
  const prefix = path.join(root, 'prefix');
  const prefixConfig = path.join(root, 'prefix.config.json');
  fs.writeFileSync(prefixConfig, JSON.stringify({ ...config, schedules: [schedules[0]], budgets: [1] }));
  execFileSync(process.execPath, [bin, 'run', '--config', prefixConfig, '--out', prefix, '--workers', '1'], { stdio: 'ignore' });
  return {
    configFile,
    seed(out) {
      for (const name of fs.readdirSync(path.join(prefix, 'runs'))) {
        if (name.startsWith('retrain-')) continue;
        fs.cpSync(path.join(prefix, 'runs', name), path.join(out, 'runs', name), { recursive: true });
      }
    },
  };
}

/** The figures both sweep benchmarks report: seconds with 1 and 2 workers, the speed-up, the target. */
export function speedupFigures(retrainRuns: number, seconds1: number, seconds2: number) {
  return {
    retrainRuns,
    cores: os.availableParallelism(),
    secondsWith1Worker: Number(seconds1.toFixed(2)),
    secondsWith2Workers: Number(seconds2.toFixed(2)),
    speedup: Number((seconds1 / seconds2).toFixed(2)),
    target: 1.7,
  };
}
