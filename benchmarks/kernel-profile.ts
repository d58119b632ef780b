// Where a training step's time goes on accelerated wasm: every wasm kernel's kernelFunc is
// wrapped with a timer (outermost calls only, so kernels that call other kernels are counted
// once), and the rest of the step is the engine's bookkeeping (tape, tracking, gradient graph).
// Usage: npx tsc -b benchmarks && node benchmarks/dist/kernel-profile.js [--models reference-cnn,resnet20,vgg-small,vgg-small-pruned] [--batch 128] [--steps 3]
import 'reflect-metadata';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { SgdOptimizer, miniResNet20, referenceCnn, trainingStep } from '@prunebench/harness';
import { registerAcceleratedWasmKernels } from '@prunebench/backend-wasm';
import { buildVggSmall } from '@prunebench/models';

interface KernelTime {
  calls: number;
  ms: number;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Replaces every wasm kernel by a timed wrapper; returns the table the wrappers fill. */
function instrumentWasmKernels(): Map<string, KernelTime> {
  const table = new Map<string, KernelTime>();
  let depth = 0;
  for (const config of tf.getKernelsForBackend('wasm')) {
    const inner = config.kernelFunc;
    const entry: KernelTime = { calls: 0, ms: 0 };
    table.set(config.kernelName, entry);
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (depth > 0) return inner(args);
        depth++;
        const start = performance.now();
        try {
          return inner(args);
        } finally {
          entry.ms += performance.now() - start;
          entry.calls++;
          depth--;
        }
      },
    });
  }
  return table;
}

const vggSmall = (widths?: Array<number | 'M'>) => buildVggSmall({ inputShape: [28, 28, 1], numClasses: 10, seed: 1 }, widths);
const MODELS: Record<string, () => ReturnType<typeof referenceCnn>> = {
  'reference-cnn': () => referenceCnn(1),
  resnet20: () => miniResNet20(1),
  // The reference study's model (benchmarks/studies/fashion-mnist-reference.config.json) ...
  'vgg-small': () => vggSmall(),
  // ... as its uniform 0.1 plan leaves it (every conv keeps floor(0.9 C) filters: 14, 28, 57) ...
  'vgg-small-pruned': () => vggSmall([14, 14, 'M', 28, 28, 'M', 57, 'M']),
  // ... and as the first run's uniform 0.2 plan left it (12, 25, 51).
  'vgg-small-pruned-0.2': () => vggSmall([12, 12, 'M', 25, 25, 'M', 51, 'M']),
  // ... and as the quick study's uniform 0.5 plan leaves it (8, 16, 32: the SIMD loops' own widths).
  'vgg-small-half': () => vggSmall([8, 8, 'M', 16, 16, 'M', 32, 'M']),
};

async function main(): Promise<void> {
  const models = option('models', 'reference-cnn,resnet20').split(',');
  const batch = Number(option('batch', '128'));
  const steps = Number(option('steps', '3'));
  await tf.setBackend('wasm');
  registerAcceleratedWasmKernels({ force: true });
  const table = instrumentWasmKernels();
  for (const name of models) {
    const model = MODELS[name]?.();
    if (!model) throw new Error(`unknown model "${name}"; known: ${Object.keys(MODELS).join(', ')}`);
    const inputShape = model.inputs[0].shape.slice(1) as number[];
    const variables = model.trainableWeights.map((v) => v.read() as tf.Variable);
    const optimizer = new SgdOptimizer(model.trainableWeights, { weightDecay: 1e-4 });
    const x = tf.randomUniform([batch, ...inputShape], 0, 1, 'float32', 3);
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.cast(tf.randomUniform([batch], 0, 10, 'float32', 4), 'int32'), 10), 'float32'));
    const step = () => trainingStep(model, variables, { x, y }, optimizer, { lr: 0.01, momentum: 0.9 }, { fromLogits: true });
    for (let i = 0; i < 2; i++) await step();
    for (const entry of table.values()) Object.assign(entry, { calls: 0, ms: 0 });
    const start = performance.now();
    for (let i = 0; i < steps; i++) await step();
    const stepMs = (performance.now() - start) / steps;
    const rows = [...table.entries()].filter(([, t]) => t.calls > 0).sort((a, b) => b[1].ms - a[1].ms);
    const kernelMs = rows.reduce((sum, [, t]) => sum + t.ms, 0) / steps;
    const calls = rows.reduce((sum, [, t]) => sum + t.calls, 0) / steps;
    process.stdout.write(`\n${name}, batch ${batch}, mean of ${steps} steps: ${stepMs.toFixed(0)} ms per step, ` +
      `${kernelMs.toFixed(0)} ms in ${calls.toFixed(0)} kernel calls, ${(stepMs - kernelMs).toFixed(0)} ms outside kernels ` +
      `(load average ${require('node:os').loadavg().map((l: number) => l.toFixed(1)).join(' ')})\n`);
    process.stdout.write('kernel                      ms/step  calls/step  share\n');
    for (const [kernel, t] of rows) {
      const ms = t.ms / steps;
      process.stdout.write(`${kernel.padEnd(26)}  ${ms.toFixed(1).padStart(7)}  ${(t.calls / steps).toFixed(0).padStart(10)}  ${((100 * ms) / stepMs).toFixed(1).padStart(4)}%\n`);
    }
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
