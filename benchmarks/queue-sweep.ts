// Speed-up of a study sweep on the Redis queue: the same retraining runs with 1 and with 2
// `prunebench worker` processes.
//
//   npm run build && node benchmarks/dist/queue-sweep.js [--runs 8] [--rounds 1] [--json]
//
// Each round times 1 worker, 2 workers, 2 workers, 1 worker (ABBA, so a load that drifts during
// the measurement weighs on both alike); the speed-up is total 1-worker time / total 2-worker time.
// As parallel-sweep.ts: the shared original and prune run once, their run folders are copied
// into two fresh results folders, and only the retraining sweep is timed — here as a
// `prunebench run --queue` coordinator, from its start to its exit (report included), with the
// workers already started and connected (as on a cluster, where workers outlive a study). Each
// worker's first run includes its worker thread's start-up (tfjs engine, plugins, dataset).
// A private redis-server is started on a free localhost port and stopped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareSweep, speedupFigures } from './sweep-study';

// Compiled to benchmarks/dist/, so the repository is two folders up.
const bin = path.resolve(__dirname, '..', '..', 'packages', 'cli', 'dist', 'bin.js');

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

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

async function timedSweep(url: string, config: string, out: string, workerCount: number): Promise<number> {
  const workers = await startWorkers(url, workerCount);
  try {
    const start = performance.now();
    // Not execFileSync: this process must keep reading the workers' logs meanwhile.
    const coordinator = spawn(process.execPath, [bin, 'run', '--queue', url, '--config', config, '--out', out], { stdio: 'ignore' });
    const code = await new Promise((resolve) => coordinator.once('exit', resolve));
    if (code !== 0) throw new Error(`the coordinator exited with code ${code}`);
    return (performance.now() - start) / 1000;
  } finally {
    await stopWorkers(workers);
  }
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const retrainRuns = option('--runs', 8);
  if (!fs.existsSync(bin)) throw new Error(`build first (npm run build): ${bin} is missing`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-queue-sweep-'));
  const { configFile, seed } = prepareSweep(root, bin, retrainRuns);
  const rounds = option('--rounds', 1);
  const redis = await startRedis();
  const loadBefore = os.loadavg()[0];
  const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
  try {
    let sweep = 0;
    for (let round = 0; round < rounds; round++) {
      for (const workers of [1, 2, 2, 1] as const) {
        const out = path.join(root, `sweep-${sweep++}`);
        seed(out);
        times[workers].push(await timedSweep(redis.url, configFile, out, workers));
      }
    }
  } finally {
    await redis.stop();
  }
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const seconds1 = sum(times[1]) / times[1].length;
  const seconds2 = sum(times[2]) / times[2].length;
  const result = {
    ...speedupFigures(retrainRuns, seconds1, seconds2),
    rounds,
    sweeps: { oneWorker: times[1].map((t) => Number(t.toFixed(1))), twoWorkers: times[2].map((t) => Number(t.toFixed(1))) },
    loadAverage1mBefore: Number(loadBefore.toFixed(2)),
    loadAverage1mAfter: Number(os.loadavg()[0].toFixed(2)),
  };
  fs.rmSync(root, { recursive: true, force: true });
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    process.stdout.write(
      `queue sweep of ${retrainRuns} equal retraining runs (vgg-small, Fashion-MNIST 4096 images × 3 epochs each), ${result.cores} cores\n` +
        `  1 worker process:   ${result.secondsWith1Worker} s (mean of ${result.sweeps.oneWorker.join(', ')})\n` +
        `  2 worker processes: ${result.secondsWith2Workers} s (mean of ${result.sweeps.twoWorkers.join(', ')})\n` +
        `  speed-up:           ${result.speedup}× (target ≥ ${result.target}×)\n` +
        `  load average (1 min) before ${result.loadAverage1mBefore}, after ${result.loadAverage1mAfter}\n`,
    );
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
