// Speed-up of a study sweep on the Redis queue: the same retraining runs with 1 and with 2
// `prunebench worker` processes.
//
//   npm run build && node benchmarks/dist/queue-sweep.js [--runs 8] [--epochs 8] [--rounds 1] [--json]
//
// Each round times 1 worker, 2 workers, the machine's ceiling, 2 workers, 1 worker (symmetric,
// so a load that drifts during the measurement weighs on all alike); the speed-up is the mean
// 1-worker time over the mean 2-worker time. The ceiling is what this machine gives two
// CPU-bound processes without any queue: the sweep split in two halves, each run by its own
// `prunebench run --workers 1` at the same time (both start, both report).
// As parallel-sweep.ts: the shared original and prune run once, their run folders are copied
// into fresh results folders, and only the retraining sweep is timed — here as a
// `prunebench run --queue` coordinator, from its start to its exit (report included), with the
// workers already started and connected (as on a cluster, where workers outlive a study). Each
// worker's first run includes its worker thread's start-up (tfjs engine, plugins, dataset).
// A private redis-server is started on a free localhost port and stopped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeSteal, mean, numberOption, prepareSweep, speedupFigures, withSteal } from './sweep-study';

// Compiled to benchmarks/dist/, so the repository is two folders up.
const bin = path.resolve(__dirname, '..', '..', 'packages', 'cli', 'dist', 'bin.js');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function until(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let log = '';
  child.stdout!.on('data', (chunk) => (log += chunk));
  await until('redis-server to start', () => /Ready to accept connections/.test(log), 10_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Starts `count` workers and waits until each has connected. */
async function startWorkers(url: string, count: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const child = spawn(process.execPath, [bin, 'worker', '--queue', url], { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr!.on('data', (chunk) => (log += chunk));
      await until('a worker to connect', () => /worker ready/.test(log));
      return child;
    }),
  );
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map((child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    }),
  );
}

function exited(child: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${what} exited with code ${code}`)))),
  );
}

/** The ceiling: both halves of the sweep at once, each in its own local `prunebench run`. */
async function timedIndependentPair(halves: readonly string[], outs: readonly string[]): Promise<number> {
  const start = performance.now();
  await Promise.all(
    halves.map((config, i) =>
      exited(spawn(process.execPath, [bin, 'run', '--config', config, '--out', outs[i], '--workers', '1'], { stdio: 'ignore' }), 'a local run'),
    ),
  );
  return (performance.now() - start) / 1000;
}

async function timedSweep(url: string, config: string, out: string, workerCount: number): Promise<number> {
  const workers = await startWorkers(url, workerCount);
  try {
    const start = performance.now();
    // Not execFileSync: this process must keep reading the workers' logs meanwhile.
    await exited(spawn(process.execPath, [bin, 'run', '--queue', url, '--config', config, '--out', out], { stdio: 'ignore' }), 'the coordinator');
    return (performance.now() - start) / 1000;
  } finally {
    await stopWorkers(workers);
  }
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const retrainRuns = numberOption('--runs', 8);
  const epochs = numberOption('--epochs', 8);
  const rounds = numberOption('--rounds', 1);
  if (!fs.existsSync(bin)) throw new Error(`build first (npm run build): ${bin} is missing`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-queue-sweep-'));
  const { configFile, halfConfigFiles, seed, describe } = prepareSweep(root, bin, { runs: retrainRuns, epochs });
  const redis = await startRedis();
  const loadBefore = os.loadavg()[0];
  const times: Record<'1' | '2' | 'pair', number[]> = { 1: [], 2: [], pair: [] };
  // CPU seconds the hypervisor gave other guests during each sweep (null where unknown).
  const steals: Record<'1' | '2' | 'pair', (number | null)[]> = { 1: [], 2: [], pair: [] };
  try {
    let sweep = 0;
    const fresh = () => {
      const out = path.join(root, `sweep-${sweep++}`);
      seed(out);
      return out;
    };
    for (let round = 0; round < rounds; round++) {
      for (const step of ['1', '2', 'pair', '2', '1'] as const) {
        const { seconds, steal } = await withSteal(() =>
          step === 'pair' ? timedIndependentPair(halfConfigFiles, [fresh(), fresh()]) : timedSweep(redis.url, configFile, fresh(), Number(step)),
        );
        times[step].push(seconds);
        steals[step].push(steal);
        if (!json) process.stderr.write(`  ${step === 'pair' ? 'two independent local processes' : `${step} worker(s)`}: ${seconds.toFixed(1)} s${describeSteal(steal)}\n`);
      }
    }
  } finally {
    await redis.stop();
  }
  const [seconds1, seconds2, secondsPair] = [mean(times[1]), mean(times[2]), mean(times.pair)];
  const round1 = (x: number) => Number(x.toFixed(1));
  const round1OrNull = (x: number | null) => (x === null ? null : round1(x));
  const result = {
    ...speedupFigures(retrainRuns, seconds1, seconds2),
    epochs,
    rounds,
    sweeps: { oneWorker: times[1].map(round1), twoWorkers: times[2].map(round1), independentPair: times.pair.map(round1) },
    stolenCpuSeconds: { oneWorker: steals[1].map(round1OrNull), twoWorkers: steals[2].map(round1OrNull), independentPair: steals.pair.map(round1OrNull) },
    // Without a queue: what two CPU-bound processes get from this machine (1-worker time / pair time).
    machineCeiling: Number((seconds1 / secondsPair).toFixed(2)),
    secondsIndependentPair: Number(secondsPair.toFixed(2)),
    loadAverage1mBefore: Number(loadBefore.toFixed(2)),
    loadAverage1mAfter: Number(os.loadavg()[0].toFixed(2)),
  };
  fs.rmSync(root, { recursive: true, force: true });
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    process.stdout.write(
      `queue sweep of ${retrainRuns} equal retraining runs (${describe}), ${result.cores} cores, ${rounds} round(s)\n` +
        `  1 worker process:   ${result.secondsWith1Worker} s (mean of ${result.sweeps.oneWorker.join(', ')})\n` +
        `  2 worker processes: ${result.secondsWith2Workers} s (mean of ${result.sweeps.twoWorkers.join(', ')})\n` +
        `  speed-up:           ${result.speedup}× (target ≥ ${result.target}×)\n` +
        `  machine's ceiling:  ${result.machineCeiling}× — two independent local processes, half the sweep each, took ${result.secondsIndependentPair} s (mean of ${result.sweeps.independentPair.join(', ')})\n` +
        `  CPU stolen by the host (s): 1 worker ${result.stolenCpuSeconds.oneWorker.join(', ')}; 2 workers ${result.stolenCpuSeconds.twoWorkers.join(', ')}; pair ${result.stolenCpuSeconds.independentPair.join(', ')}\n` +
        `  load average (1 min) before ${result.loadAverage1mBefore}, after ${result.loadAverage1mAfter}\n`,
    );
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
