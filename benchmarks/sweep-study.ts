// The sweep both speed-up benchmarks time (parallel-sweep.ts: worker threads; queue-sweep.ts:
// worker processes on the Redis queue): `runs` equal retraining runs of one pruned vgg-small.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PreparedSweep {
  /** The sweep's config file. */
  configFile: string;
  /** The sweep split in two config files of half the runs each (for two independent processes). */
  halfConfigFiles: [string, string];
  /** Copies the shared original and prune into a fresh results folder, so only the sweep runs there. */
  seed(out: string): void;
  /** What one run is, for the benchmarks' output. */
  describe: string;
}

export interface SweepOptions {
  /** Retraining runs in the sweep (even, so two workers can split it). */
  runs: number;
  /** Each run's retraining budget in epochs: the longer the runs, the less the fixed costs weigh. */
  epochs: number;
}

const TRAIN_SIZE = 4096;

/** Reads `--name value` from the command line. */
export function numberOption(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a number > 0 (got "${process.argv[at + 1]}")`);
  return value;
}

/**
 * Writes the sweep's config into `root` and runs its shared prefix (the original and the prune)
 * once, locally, with the CLI at `bin`.
 */
export function prepareSweep(root: string, bin: string, { runs, epochs }: SweepOptions): PreparedSweep {
  // Equal runs: one pruned model, one budget, `runs` schedules of the same cost.
  const schedules = Array.from({ length: runs }, (_, i) => ({ use: 'constant', lr: 0.01 + i * 0.001, label: `constant-${i}` }));
  const config = {
    dataset: { use: 'fashion-mnist', trainSize: TRAIN_SIZE, testSize: 1000 },
    model: 'vgg-small',
    original: { epochs: 1, batchSize: 64, lr: 0.05, milestones: [], gamma: 0.1 },
    pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }],
    schedules,
    budgets: [epochs],
    seeds: [0],
    backend: 'auto',
  };
  const write = (name: string, value: object) => {
    const file = path.join(root, name);
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
  };
  const configFile = write('prunebench.config.json', config);
  const half = Math.ceil(runs / 2);
  const halfConfigFiles: [string, string] = [
    write('first-half.config.json', { ...config, schedules: schedules.slice(0, half) }),
    write('second-half.config.json', { ...config, schedules: schedules.slice(half) }),
  ];
  const prefix = path.join(root, 'prefix');
  const prefixConfig = write('prefix.config.json', { ...config, schedules: [schedules[0]], budgets: [1] });
  execFileSync(process.execPath, [bin, 'run', '--config', prefixConfig, '--out', prefix, '--workers', '1'], { stdio: 'ignore' });
  return {
    configFile,
    halfConfigFiles,
    describe: `vgg-small, Fashion-MNIST ${TRAIN_SIZE} images × ${epochs} epochs each`,
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

export const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * CPU time the hypervisor gave to other guests (Linux's "steal", /proc/stat), in seconds over
 * all cores; null where it cannot be read. On a shared VM this is what makes one sweep of a
 * benchmark slower than its twin, so the benchmarks print it beside each time.
 */
export function stealSeconds(): number | null {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    // cpu user nice system idle iowait irq softirq steal ... (in clock ticks, 100 per second on Linux)
    return Number(fields[8]) / 100;
  } catch {
    return null;
  }
}

/** Runs `timed` and returns its seconds with the steal seconds that passed meanwhile (null: unknown). */
export async function withSteal(timed: () => Promise<number> | number): Promise<{ seconds: number; steal: number | null }> {
  const before = stealSeconds();
  const seconds = await timed();
  const after = stealSeconds();
  return { seconds, steal: before === null || after === null ? null : after - before };
}

/** ` (1.4 s of CPU stolen by the host)` for a benchmark's line, or nothing where steal is unknown. */
export const describeSteal = (steal: number | null) => (steal === null ? '' : ` (${steal.toFixed(1)} s of CPU stolen by the host)`);
