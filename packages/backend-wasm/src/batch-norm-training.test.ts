import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { fusedBatchNormTrainingInstalled } from './batch-norm-layer';
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD, batchNormTraining, simdTiling } from './batch-norm-training';
import { registerAcceleratedWasmKernels, unregisterAcceleratedWasmKernels } from './register';
import { simdKernels } from './simd-kernels';

/** The repository's scripts/build-wat.js, found upward from here (so moving this folder needs no edit). */
function buildWatScript(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'scripts', 'build-wat.js');
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('scripts/build-wat.js not found above this folder');
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compile, source } = require(buildWatScript()) as {
  compile(path: string): Promise<Buffer>;
  source(bytes: Buffer): string;
};

function values(count: number, seed: number, scale = 1, shift = 0): Float32Array {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * scale + shift;
  }
  return out;
}

function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    ref = Math.max(ref, Math.abs(expected[i]));
  }
  return diff / Math.max(ref, 1e-30);
}

interface Figures {
  y: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  dx: Float32Array;
  dScale: Float32Array;
  dOffset: Float32Array;
}

/**
 * y, statistics and gradients of a loss that uses y and (optionally) the statistics, with the
 * fused op (`fused`) or tfjs's own moments + batchNorm (what tfjs-layers does on every backend).
 */
function figures(shape: number[], fused: boolean, differentiateStatistics: boolean): Figures {
  const size = shape.reduce((a, b) => a * b, 1);
  const channels = shape[shape.length - 1];
  const x = tf.tensor(values(size, 1, 4, 3), shape);
  const gamma = tf.tensor1d(values(channels, 2, 1, 1));
  const beta = tf.tensor1d(values(channels, 3));
  const r = tf.tensor(values(size, 4), shape);
  const rm = tf.tensor1d(values(channels, 5));
  const rv = tf.tensor1d(values(channels, 6));
  const forward = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] => {
    if (fused) return batchNormTraining(a, g, b, 1e-3);
    const axes = shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(a, axes);
    return [tf.batchNorm(a, mean, variance, b, g, 1e-3), mean, variance];
  };
  const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const [y, mean, variance] = forward(a, g, b);
    let total = tf.sum(tf.mul(y, r));
    if (differentiateStatistics) total = tf.add(total, tf.add(tf.sum(tf.mul(mean, rm)), tf.sum(tf.mul(variance, rv))));
    return total as tf.Scalar;
  };
  const [y, mean, variance] = forward(x, gamma, beta);
  const [dx, dScale, dOffset] = tf.grads(loss)([x, gamma, beta]);
  const out = [y, mean, variance, dx, dScale, dOffset].map((t) => t.dataSync().slice() as Float32Array);
  tf.dispose([x, gamma, beta, r, rm, rv, y, mean, variance, dx, dScale, dOffset]);
  return { y: out[0], mean: out[1], variance: out[2], dx: out[3], dScale: out[4], dOffset: out[5] };
}

describe('fused BatchNorm training kernels on wasm match tfjs on cpu', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerAcceleratedWasmKernels({ force: true });
    // The SIMD cases below would silently test the JS loops without it.
    expect(simdKernels(tf.backend())).not.toBeNull();
  });
  afterAll(() => unregisterAcceleratedWasmKernels());

  it.each([
    ['NHWC, channels a multiple of 4 (SIMD loops)', [3, 5, 6, 8], false],
    ['NHWC, 3 channels, 40 rows (SIMD, 4 rows as one of 12 lanes)', [2, 4, 5, 3], false],
    ['NHWC, 3 channels, 9 rows (JS loops: rows not a multiple of 4)', [1, 3, 3, 3], false],
    ['NHWC, 6 channels (SIMD, 2 rows as one of 12 lanes)', [2, 3, 3, 6], false],
    ['NHWC, 25 channels, a pruned width (SIMD, 4 rows as one of 100 lanes)', [4, 3, 3, 25], false],
    ['NHWC, 51 channels, 130 rows (JS loops)', [2, 5, 13, 51], false],
    ['rank 2 (dense), 12 channels', [37, 12], false],
    ['a loss that also uses the batch statistics (SIMD)', [2, 3, 3, 4], true],
    ['a loss that also uses the batch statistics (JS)', [2, 3, 3, 5], true],
    ['a loss that also uses the batch statistics, 5 channels (SIMD, tiled)', [1, 4, 4, 5], true],
    ['more rows than a 64-row block, uneven', [1, 13, 11, 16], false],
  ])('%s', async (_label, shape, statistics) => {
    await tf.setBackend('cpu');
    const expected = figures(shape as number[], false, statistics as boolean);
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const actual = figures(shape as number[], true, statistics as boolean);
    expect(tf.memory().numTensors).toBe(before);
    for (const key of Object.keys(expected) as Array<keyof Figures>) {
      expect({ key, ok: maxRelativeError(actual[key], expected[key]) <= 1e-4 }).toEqual({ key, ok: true });
    }
  });

  it('tfjs-layers BatchNormalization uses the pair in training mode, with the same outputs and moving statistics', async () => {
    expect(fusedBatchNormTrainingInstalled()).toBe(true);
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const layer = tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
      const x = tf.tensor4d(values(2 * 4 * 4 * 8, 9, 2, 1), [2, 4, 4, 8]);
      const profile = await tf.profile(() => {
        const y = layer.apply(x, { training: true }) as tf.Tensor;
        y.dispose();
      });
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      const inference = layer.apply(x, { training: false }) as tf.Tensor;
      const [movingMean, movingVariance] = layer.getWeights().slice(2).map((w) => w.dataSync().slice());
      const result = { y: y.dataSync().slice(), inference: inference.dataSync().slice(), movingMean, movingVariance, kernels: [...profile.kernelNames] }; // copied: tf.profile reuses its result object
      tf.dispose([x, y, inference]);
      layer.dispose();
      return result;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(wasm.kernels).toContain(BATCH_NORM_TRAINING);
    expect(wasm.kernels).not.toContain('FusedBatchNorm');
    expect(cpu.kernels).not.toContain(BATCH_NORM_TRAINING);
    for (const key of ['y', 'inference', 'movingMean', 'movingVariance'] as const) {
      expect({ key, ok: maxRelativeError(wasm[key], cpu[key]) <= 1e-4 }).toEqual({ key, ok: true });
    }
  });

  it('runs every channel count on the SIMD loops when the rows allow it (k rows of C channels as one row of k·C lanes)', () => {
    expect(simdTiling(40, 8)).toEqual({ k: 1, lanes: 8 });
    expect(simdTiling(18, 6)).toEqual({ k: 2, lanes: 12 });
    expect(simdTiling(36, 25)).toEqual({ k: 4, lanes: 100 });
    expect(simdTiling(128 * 14 * 14, 51)).toEqual({ k: 4, lanes: 204 });
    expect(simdTiling(9, 3)).toBeNull();
    expect(simdTiling(130, 51)).toBeNull();
    expect(simdTiling(0, 4)).toBeNull();
  });

  it('backpropagates with one gradient kernel per BatchNorm layer', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(values(2 * 3 * 3 * 4, 11), [2, 3, 3, 4]);
    const gamma = tf.ones([4]);
    const beta = tf.zeros([4]);
    const profile = await tf.profile(() => {
      const g = tf.grads((a: tf.Tensor) => tf.sum(batchNormTraining(a, gamma, beta, 1e-5)[0]))([x]);
      tf.dispose(g);
    });
    expect(profile.kernelNames.filter((k) => k === BATCH_NORM_TRAINING_GRAD)).toHaveLength(1);
    tf.dispose([x, gamma, beta]);
  });

  it('the embedded wasm module is the compiled simd-kernels.wat (run node scripts/build-wat.js after editing it)', async () => {
    const bytes = await compile(path.join(__dirname, 'simd-kernels.wat'));
    expect(fs.readFileSync(path.join(__dirname, 'simd-kernels-binary.ts'), 'utf8')).toBe(source(bytes));
  });
});
