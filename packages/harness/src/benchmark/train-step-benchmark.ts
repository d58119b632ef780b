import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  acceleratedWasmKernelsRegistered,
  registerAcceleratedWasmKernels,
  unregisterAcceleratedWasmKernels,
  wasmBackend,
} from '@prunebench/backend-wasm';
import { backendProvider } from '../backend/providers';
import { SgdOptimizer } from '../training/sgd';
import { trainingStep } from '../training/train';
import { trainingFlopsPerExample } from './flops';
import { miniCifarResNet, referenceCnn } from './reference-models';

/**
 * What the benchmark compares: every backend provider (through its provider, as a study loads it),
 * with wasm twice: stock kernels (`wasm`) and prunebench's (`wasm-accelerated`).
 */
export const BENCH_BACKENDS = ['cpu', 'wasm', 'wasm-accelerated', 'tensorflow', 'tensorflow-gpu', 'webgpu'] as const;
export type BenchBackend = (typeof BENCH_BACKENDS)[number];
export const BENCH_MODELS = ['reference-cnn', 'resnet20', 'resnet56'] as const;
/** What `bench` measures unless told: ResNet-56 (the study's model) is for GPU checks, ~3× ResNet-20's time. */
export const DEFAULT_BENCH_MODELS: readonly BenchModel[] = ['reference-cnn', 'resnet20'];
export type BenchModel = (typeof BENCH_MODELS)[number];

/** Times `fn`: `warmup` untimed calls, then `iterations` timed ones; mean milliseconds per call. */
export type Measurer = (
  name: string,
  fn: () => Promise<void>,
  options: { warmup: number; iterations: number },
) => Promise<{ meanMs: number; iterations: number }>;

/** The built-in measurer: a plain loop with performance.now(). */
export const loopMeasurer: Measurer = async (_name, fn, { warmup, iterations }) => {
  for (let i = 0; i < warmup; i++) await fn();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return { meanMs: (performance.now() - start) / iterations, iterations };
};

export interface TrainingBenchmarkOptions {
  models?: readonly BenchModel[];
  backends?: readonly BenchBackend[];
  /** Default 128. */
  batchSize?: number;
  /** Untimed steps per model and backend. Default 2. */
  warmupSteps?: number;
  /** Timed steps per model and backend. Default 8. */
  measuredSteps?: number;
  /**
   * The tfjs cpu backend is slow at training (its Conv2DBackpropFilter runs ~0.02 GFLOP/s: a
   * batch-128 step of the reference CNN takes over ten minutes), so it gets its own, smaller
   * settings. Its images/s hardly depend on the batch size. Defaults: batch 4, 0 warm-up, 1 step.
   */
  cpuBatchSize?: number;
  cpuWarmupSteps?: number;
  cpuMeasuredSteps?: number;
  measure?: Measurer;
  /** Progress lines (not the report). */
  log?: (line: string) => void;
}

export interface BackendFigures {
  status: 'ok' | 'cannot run' | 'unavailable';
  /** Training throughput (forward + backward + SGD update), images per second. */
  imagesPerSecond: number | null;
  /** Effective training GFLOP/s: 3 x forward MACs x 2 FLOPs per image, times images/s. */
  gflops: number | null;
  stepMs?: number;
  steps?: number;
  batchSize?: number;
  /**
   * The backend's forward-conv GFLOP/s measured right before and right after this model's steps
   * (their mean): what `trainingOverForwardConv` divides by, so load that changes during the
   * run hits both sides of the ratio alike.
   */
  forwardConvGflops?: number;
  reason?: string;
}

export interface TrainingBenchmarkReport {
  models: Record<string, Record<string, BackendFigures>>;
  /** What each backend that loaded computed on: GPU backends name the adapter and driver. */
  devices: Record<string, string>;
  /** GFLOP/s of one forward conv2d (FORWARD_CONV below) on each backend; null when it cannot run. */
  forwardConvGflops: Record<string, number | null>;
  /**
   * Per model: speed-ups of wasm-accelerated over each other backend that ran, and each
   * backend's training GFLOP/s as a fraction of its forward-conv GFLOP/s.
   */
  ratios: Record<string, { speedups: Record<string, number>; trainingOverForwardConv: Record<string, number> }>;
  settings: {
    batchSize: number;
    warmupSteps: number;
    measuredSteps: number;
    cpuBatchSize: number;
    cpuWarmupSteps: number;
    cpuMeasuredSteps: number;
    flopConvention: string;
    forwardConv: string;
  };
  machine: { cpus: number; cpuModel: string; node: string; platform: string; loadAverage: number[] };
}

/** The forward conv whose GFLOP/s the training figures are compared with. */
export const FORWARD_CONV = {
  x: [32, 16, 16, 64] as [number, number, number, number],
  filter: [3, 3, 64, 64] as [number, number, number, number],
  strides: 1,
  pad: 'same' as const,
};

const MODEL_INPUT: Record<BenchModel, number[]> = { 'reference-cnn': [28, 28, 1], resnet20: [32, 32, 3], resnet56: [32, 32, 3] };

function buildModel(name: BenchModel): LayersModel {
  return name === 'reference-cnn' ? referenceCnn(1) : miniCifarResNet(name === 'resnet20' ? 20 : 56, 1);
}

function firstLine(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).split('\n')[0];
}

/** Switches to `backend` through its provider; returns what it runs on, or the reason it is not available. */
async function activate(backend: BenchBackend): Promise<{ device: string } | { unavailable: string }> {
  try {
    const provider = backend === 'wasm' || backend === 'wasm-accelerated' ? wasmBackend : backendProvider(backend)!;
    const loaded = await provider.load();
    if (provider.gpu && !loaded.gpu) return { unavailable: `not on a GPU: ${loaded.caveat ?? 'no GPU device'}` };
    if (backend === 'wasm') unregisterAcceleratedWasmKernels();
    if (backend === 'wasm-accelerated') registerAcceleratedWasmKernels({ force: true });
    const device = loaded.device
      ? `${loaded.device}${loaded.driver ? `, driver ${loaded.driver}` : ''}${loaded.hardware ? '' : ` (${loaded.caveat ?? 'software adapter'})`}`
      : `CPU (${os.cpus()[0]?.model ?? 'unknown'})`;
    return { device };
  } catch (error) {
    return { unavailable: firstLine(error) };
  }
}

async function measureForwardConv(backend: BenchBackend, measure: Measurer, iterations: number): Promise<number> {
  const x = tf.randomUniform(FORWARD_CONV.x, -1, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomUniform(FORWARD_CONV.filter, -1, 1, 'float32', 2) as tf.Tensor4D;
  try {
    const run = async () => {
      const y = tf.conv2d(x, w, FORWARD_CONV.strides, FORWARD_CONV.pad);
      await y.data();
      y.dispose();
    };
    const { meanMs } = await measure(`forward conv ${backend}`, run, { warmup: 1, iterations });
    const [n, h, wd] = FORWARD_CONV.x;
    const [kh, kw, ci, co] = FORWARD_CONV.filter;
    return (2 * n * h * wd * kh * kw * ci * co) / (meanMs * 1e6);
  } finally {
    tf.dispose([x, w]);
  }
}

async function measureTraining(
  modelName: BenchModel,
  backend: BenchBackend,
  batchSize: number,
  warmup: number,
  iterations: number,
  measure: Measurer,
): Promise<BackendFigures> {
  const tfjsBackend = tf.getBackend();
  const missing = ['Conv2DBackpropFilter', 'Conv2DBackpropInput'].filter((k) => !tf.getKernel(k, tfjsBackend));
  if (missing.length) {
    return { status: 'cannot run', imagesPerSecond: null, gflops: null, reason: `the ${tfjsBackend} backend has no ${missing.join(' or ')} kernel (conv training needs it)` };
  }
  const model = buildModel(modelName);
  const variables = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const optimizer = new SgdOptimizer(model.trainableWeights, { weightDecay: 1e-4 });
  const x = tf.randomUniform([batchSize, ...MODEL_INPUT[modelName]], 0, 1, 'float32', 3);
  const labels = tf.randomUniform([batchSize], 0, 10, 'float32', 4);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.cast(labels, 'int32'), 10), 'float32'));
  try {
    const step = async () => {
      await trainingStep(model, variables, { x, y }, optimizer, { lr: 0.01, momentum: 0.9 }, { fromLogits: true });
    };
    const { meanMs, iterations: steps } = await measure(`${modelName} ${backend}`, step, { warmup, iterations });
    const imagesPerSecond = (batchSize * 1000) / meanMs;
    return {
      status: 'ok',
      imagesPerSecond,
      gflops: (imagesPerSecond * trainingFlopsPerExample(model)) / 1e9,
      stepMs: meanMs,
      steps,
    };
  } catch (error) {
    return { status: 'cannot run', imagesPerSecond: null, gflops: null, reason: firstLine(error) };
  } finally {
    tf.dispose([x, labels, y]);
    optimizer.dispose();
    model.dispose();
  }
}

/** Speed-ups of wasm-accelerated over every other backend that ran, and training / forward-conv GFLOP/s. */
export function computeRatios(report: Pick<TrainingBenchmarkReport, 'models' | 'forwardConvGflops'>): TrainingBenchmarkReport['ratios'] {
  const ratios: TrainingBenchmarkReport['ratios'] = {};
  for (const [model, row] of Object.entries(report.models)) {
    const speedups: Record<string, number> = {};
    const fast = row['wasm-accelerated']?.imagesPerSecond;
    for (const [backend, figures] of Object.entries(row)) {
      if (backend !== 'wasm-accelerated' && fast && figures.imagesPerSecond) speedups[`wasm-accelerated/${backend}`] = fast / figures.imagesPerSecond;
    }
    const trainingOverForwardConv: Record<string, number> = {};
    for (const [backend, figures] of Object.entries(row)) {
      const conv = figures.forwardConvGflops ?? report.forwardConvGflops[backend];
      if (figures.gflops && conv) trainingOverForwardConv[backend] = figures.gflops / conv;
    }
    ratios[model] = { speedups, trainingOverForwardConv };
  }
  return ratios;
}

/**
 * Training-step throughput of the reference CNN and a ResNet-20 on every backend, measured in
 * one process so the ratios compare like with like on a noisy machine. Restores the backend
 * and the accelerated-kernel registration it found.
 */
export async function runTrainingBenchmark(options: TrainingBenchmarkOptions = {}): Promise<TrainingBenchmarkReport> {
  const models = options.models ?? DEFAULT_BENCH_MODELS;
  const backends = options.backends ?? BENCH_BACKENDS;
  const batchSize = options.batchSize ?? 128;
  const warmupSteps = options.warmupSteps ?? 2;
  const measuredSteps = options.measuredSteps ?? 8;
  const cpuBatchSize = options.cpuBatchSize ?? Math.min(4, batchSize);
  const cpuWarmupSteps = options.cpuWarmupSteps ?? 0;
  const cpuMeasuredSteps = options.cpuMeasuredSteps ?? 1;
  const measure = options.measure ?? loopMeasurer;
  const log = options.log ?? (() => undefined);
  const previousBackend = tf.getBackend();
  const hadAccelerated = acceleratedWasmKernelsRegistered();

  const report: TrainingBenchmarkReport = {
    models: Object.fromEntries(models.map((m) => [m, {}])),
    devices: {},
    forwardConvGflops: {},
    ratios: {},
    settings: {
      batchSize,
      warmupSteps,
      measuredSteps,
      cpuBatchSize,
      cpuWarmupSteps,
      cpuMeasuredSteps,
      flopConvention: 'training step = 3 x forward MACs x 2 FLOPs (forward, input gradient, filter gradient); conv and dense layers only',
      forwardConv: `conv2d x[${FORWARD_CONV.x}] filter[${FORWARD_CONV.filter}] stride ${FORWARD_CONV.strides} ${FORWARD_CONV.pad}`,
    },
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}`, loadAverage: os.loadavg() },
  };

  try {
    for (const backend of backends) {
      const activated = await activate(backend);
      if ('unavailable' in activated) {
        const unavailable = activated.unavailable;
        log(`${backend}: unavailable (${unavailable})`);
        report.forwardConvGflops[backend] = null;
        for (const m of models) report.models[m][backend] = { status: 'unavailable', imagesPerSecond: null, gflops: null, reason: unavailable };
        continue;
      }
      report.devices[backend] = activated.device;
      log(`${backend}: on ${activated.device}`);
      const cpu = backend === 'cpu';
      try {
        report.forwardConvGflops[backend] = await measureForwardConv(backend, measure, cpu ? 1 : 5);
      } catch (error) {
        report.forwardConvGflops[backend] = null;
        log(`${backend}: forward conv failed (${firstLine(error)})`);
      }
      log(`${backend}: forward conv ${report.forwardConvGflops[backend]?.toFixed(1)} GFLOP/s`);
      let lastForwardConv: number | null = null;
      for (const [index, m] of models.entries()) {
        const figures = cpu
          ? await measureTraining(m, backend, cpuBatchSize, cpuWarmupSteps, cpuMeasuredSteps, measure)
          : await measureTraining(m, backend, batchSize, warmupSteps, measuredSteps, measure);
        figures.batchSize = cpu ? cpuBatchSize : batchSize;
        // Bracket the model's steps with forward-conv measurements (the first is the backend's).
        const before: number | null = index === 0 ? report.forwardConvGflops[backend] : lastForwardConv;
        lastForwardConv = figures.status === 'ok' && before ? await measureForwardConv(backend, measure, cpu ? 1 : 5).catch(() => null) : null;
        if (before && lastForwardConv) figures.forwardConvGflops = (before + lastForwardConv) / 2;
        report.models[m][backend] = figures;
        log(figures.status === 'ok'
          ? `${m} on ${backend}: ${figures.imagesPerSecond!.toFixed(1)} images/s, ${figures.gflops!.toFixed(2)} GFLOP/s`
          : `${m} on ${backend}: ${figures.status} (${figures.reason})`);
      }
    }
  } finally {
    if (hadAccelerated) registerAcceleratedWasmKernels({ force: true });
    else unregisterAcceleratedWasmKernels();
    if (previousBackend) await tf.setBackend(previousBackend);
  }

  report.ratios = computeRatios(report);
  return report;
}
