// Memory of training on wasm with prunebench's kernels: peak RSS of ResNet-56 training steps
// (CIFAR, batch 128), and whether anything grows from run to run the way a study worker runs
// job after job (a fresh model and optimizer per run; live tensors, tfjs bytes, the wasm heap
// and RSS are read after each run).
// Usage: npx tsc -b benchmarks && node benchmarks/dist/training-memory.js [--runs 3] [--steps 2] [--batch 128] [--json]
import 'reflect-metadata';
import '@tensorflow/tfjs-backend-wasm';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { SgdOptimizer, selectBackend, trainingStep } from '@prunebench/harness';
import { buildCifarResNet } from '@prunebench/models';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const MB = 1024 * 1024;

interface RunFigures {
  run: number;
  msPerStep: number;
  rssMB: number;
  peakRssMB: number;
  wasmHeapMB: number;
  tensors: number;
  tfjsMB: number;
}

function wasmHeapBytes(): number {
  const memory = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8;
  return memory ? memory.buffer.byteLength : 0;
}

async function oneRun(run: number, batch: number, steps: number): Promise<RunFigures> {
  const model = buildCifarResNet(56, { inputShape: [32, 32, 3], numClasses: 10, seed: run });
  const variables = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const optimizer = new SgdOptimizer(model.trainableWeights, { weightDecay: 1e-4 });
  const x = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', run);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.cast(tf.randomUniform([batch], 0, 10, 'float32', run + 1), 'int32'), 10), 'float32'));
  const start = performance.now();
  for (let s = 0; s < steps; s++) {
    await trainingStep(model, variables, { x, y }, optimizer, { lr: 0.01, momentum: 0.9 }, { fromLogits: true });
  }
  const msPerStep = (performance.now() - start) / steps;
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  const memory = tf.memory();
  return {
    run,
    msPerStep,
    rssMB: process.memoryUsage().rss / MB,
    // resourceUsage().maxRSS is in kilobytes: the process's peak so far.
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    wasmHeapMB: wasmHeapBytes() / MB,
    tensors: memory.numTensors,
    tfjsMB: memory.numBytes / MB,
  };
}

async function main(): Promise<void> {
  const runs = Number(option('runs', '3'));
  const steps = Number(option('steps', '2'));
  const batch = Number(option('batch', '128'));
  await selectBackend('wasm');
  const baseline = { rssMB: process.memoryUsage().rss / MB, tensors: tf.memory().numTensors };
  const figures: RunFigures[] = [];
  for (let run = 1; run <= runs; run++) figures.push(await oneRun(run, batch, steps));
  const last = figures[figures.length - 1];
  const previous = figures[figures.length - 2] ?? last;
  const growth = {
    tensors: last.tensors - baseline.tensors,
    wasmHeapMB: last.wasmHeapMB - previous.wasmHeapMB,
    rssMB: last.rssMB - previous.rssMB,
  };
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ baseline, figures, growth, settings: { runs, steps, batch }, loadAverage: os.loadavg() }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`ResNet-56 training on wasm, batch ${batch}, ${steps} steps per run, a fresh model per run; ` +
    `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  process.stdout.write(`before the first run: RSS ${baseline.rssMB.toFixed(0)} MB, ${baseline.tensors} tensors\n`);
  for (const f of figures) {
    process.stdout.write(`run ${f.run}: ${f.msPerStep.toFixed(0)} ms/step, RSS ${f.rssMB.toFixed(0)} MB, peak RSS ${f.peakRssMB.toFixed(0)} MB, ` +
      `wasm heap ${f.wasmHeapMB.toFixed(0)} MB, ${f.tensors} live tensors (${f.tfjsMB.toFixed(1)} MB)\n`);
  }
  process.stdout.write(`growth: ${growth.tensors} tensors left over, wasm heap ${growth.wasmHeapMB >= 0 ? '+' : ''}${growth.wasmHeapMB.toFixed(0)} MB ` +
    `and RSS ${growth.rssMB >= 0 ? '+' : ''}${growth.rssMB.toFixed(0)} MB from run ${previous.run} to run ${last.run}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
