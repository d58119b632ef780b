import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-layers registers every gradient function (tfjs-core's node bundle does not).
import '@tensorflow/tfjs-layers';
import { registerAcceleratedWasmKernels, unregisterAcceleratedWasmKernels } from './register';
import * as simd from './simd-kernels';
import { SIMD_FILTER_GRADIENT_ENV } from './conv2d-backprop-filter';
import { SIMD_INPUT_GRADIENT_ENV } from './conv2d-backprop-input';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

interface Case {
  batch: number;
  size: [number, number];
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  pad: Pad;
}

/** Deterministic pseudo-random values, identical on both backends. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

/** Gradients of sum(conv(x, w) * r) w.r.t. x and w: the backprop kernels with a dense dy. */
function convGradients(c: Case): { dx: Float32Array; dw: Float32Array } {
  const xShape: [number, number, number, number] = [c.batch, c.size[0], c.size[1], c.inChannels];
  const wShape: [number, number, number, number] = [c.kernel, c.kernel, c.inChannels, c.outChannels];
  const x = tf.tensor4d(values(xShape.reduce((a, b) => a * b), 1), xShape);
  const w = tf.tensor4d(values(wShape.reduce((a, b) => a * b), 2), wShape);
  const probe = tf.conv2d(x, w, c.stride, c.pad);
  const outShape = probe.shape;
  probe.dispose();
  const r = tf.tensor(values(outShape.reduce((a, b) => a * b), 3), outShape);
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r)),
  )([x, w]);
  const result = { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  tf.dispose([x, w, r, dx, dw]);
  return result;
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  return maxDiff / maxRef;
}

const cases: Case[] = [];
for (const stride of [1, 2]) {
  for (const pad of ['same', 'valid'] as const) {
    for (const size of [[8, 8], [7, 9]] as Array<[number, number]>) {
      cases.push({ batch: 2, size, inChannels: 3, outChannels: 5, kernel: 3, stride, pad });
    }
  }
}
cases.push(
  { batch: 3, size: [8, 8], inChannels: 4, outChannels: 8, kernel: 1, stride: 2, pad: 'same' }, // ResNet-50 projection
  { batch: 2, size: [7, 7], inChannels: 4, outChannels: 8, kernel: 1, stride: 2, pad: 'valid' }, // odd size, cropped
  { batch: 2, size: [16, 16], inChannels: 3, outChannels: 8, kernel: 7, stride: 2, pad: 'same' }, // ImageNet stem
  { batch: 2, size: [15, 15], inChannels: 3, outChannels: 4, kernel: 7, stride: 2, pad: 'same' },
  { batch: 1, size: [28, 28], inChannels: 1, outChannels: 8, kernel: 3, stride: 1, pad: 'valid' }, // reference CNN
  { batch: 4, size: [6, 6], inChannels: 16, outChannels: 16, kernel: 3, stride: 1, pad: 'same' },
  { batch: 2, size: [9, 8], inChannels: 5, outChannels: 6, kernel: 3, stride: 2, pad: 1 },
  { batch: 2, size: [8, 8], inChannels: 2, outChannels: 3, kernel: 3, stride: 1, pad: [[0, 0], [2, 0], [1, 2], [0, 0]] },
  { batch: 2, size: [10, 10], inChannels: 2, outChannels: 3, kernel: 4, stride: 2, pad: 'same' }, // even kernel
);
/** Shapes of the direct SIMD filter gradient (ci a multiple of 4, co of 8): strides, paddings, crops. */
const simdFilterCases: Case[] = [
  { batch: 2, size: [8, 8], inChannels: 8, outChannels: 8, kernel: 3, stride: 1, pad: 'same' },
  { batch: 2, size: [7, 9], inChannels: 8, outChannels: 16, kernel: 3, stride: 1, pad: 'valid' },
  { batch: 2, size: [8, 8], inChannels: 8, outChannels: 8, kernel: 3, stride: 2, pad: 'same' },
  { batch: 2, size: [9, 8], inChannels: 8, outChannels: 8, kernel: 3, stride: 2, pad: 1 },
  { batch: 2, size: [7, 7], inChannels: 8, outChannels: 8, kernel: 3, stride: 2, pad: 'valid' },
  { batch: 2, size: [8, 8], inChannels: 8, outChannels: 8, kernel: 3, stride: 1, pad: [[0, 0], [2, 0], [1, 2], [0, 0]] },
  { batch: 2, size: [10, 10], inChannels: 8, outChannels: 8, kernel: 4, stride: 2, pad: 'same' },
  { batch: 2, size: [16, 16], inChannels: 8, outChannels: 8, kernel: 7, stride: 2, pad: 'same' },
  { batch: 3, size: [6, 6], inChannels: 12, outChannels: 24, kernel: 1, stride: 1, pad: 'valid' },
  { batch: 2, size: [11, 9], inChannels: 16, outChannels: 5, kernel: 3, stride: 1, pad: 'same' }, // dx loop, odd co, leftover columns
  { batch: 2, size: [9, 11], inChannels: 8, outChannels: 3, kernel: 3, stride: 2, pad: 'valid' },
  // Widths the filter gradient's SIMD loop takes only zero-padded (ci to 4, co to 8): a first conv and pruned widths.
  { batch: 2, size: [8, 8], inChannels: 1, outChannels: 16, kernel: 3, stride: 1, pad: 'same' },
  { batch: 2, size: [7, 7], inChannels: 12, outChannels: 25, kernel: 3, stride: 1, pad: 'same' },
  { batch: 2, size: [5, 5], inChannels: 25, outChannels: 51, kernel: 3, stride: 1, pad: 'same' },
  { batch: 2, size: [9, 8], inChannels: 5, outChannels: 7, kernel: 3, stride: 2, pad: 1 },
];
cases.push(...simdFilterCases);

describe('accelerated wasm conv2d gradients match the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerAcceleratedWasmKernels({ force: true });
  });
  afterAll(async () => {
    unregisterAcceleratedWasmKernels();
    await tf.setBackend('cpu');
  });

  it.each(cases)('k$kernel s$stride pad $pad, size $size, ci $inChannels co $outChannels, batch $batch', async (c) => {
    await tf.setBackend('cpu');
    const expected = convGradients(c);
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const actual = convGradients(c);
    expect(tf.memory().numTensors).toBe(before);
    expect(relativeError(actual.dx, expected.dx)).toBeLessThan(1e-4);
    expect(relativeError(actual.dw, expected.dw)).toBeLessThan(1e-4);
  });

  it('the filter gradient takes its SIMD loop for every width (computed in 4s and 8s, cropped), the input gradient for ci % 8 = 0; unless switched off', async () => {
    await tf.setBackend('wasm');
    const real = simd.simdKernels(tf.backend())!;
    let calls = 0;
    let inputCalls = 0;
    const counting = {
      ...real,
      convFilterGrad: (...args: Parameters<typeof real.convFilterGrad>) => ((calls += 1), real.convFilterGrad(...args)),
      convInputGrad: (...args: Parameters<typeof real.convInputGrad>) => ((inputCalls += 1), real.convInputGrad(...args)),
    };
    const spy = jest.spyOn(simd, 'simdKernels').mockReturnValue(counting);
    try {
      convGradients(simdFilterCases[0]);
      expect([calls, inputCalls]).toEqual([1, 1]);
      convGradients({ batch: 2, size: [8, 8], inChannels: 3, outChannels: 8, kernel: 3, stride: 1, pad: 'same' });
      expect([calls, inputCalls]).toEqual([2, 1]);
      convGradients({ batch: 2, size: [8, 8], inChannels: 25, outChannels: 12, kernel: 3, stride: 1, pad: 'same' });
      expect([calls, inputCalls]).toEqual([3, 1]);
      convGradients({ batch: 2, size: [8, 8], inChannels: 16, outChannels: 12, kernel: 3, stride: 1, pad: 'same' });
      expect([calls, inputCalls]).toEqual([4, 2]);
      process.env[SIMD_FILTER_GRADIENT_ENV] = '0';
      process.env[SIMD_INPUT_GRADIENT_ENV] = '0';
      convGradients({ batch: 2, size: [8, 8], inChannels: 16, outChannels: 12, kernel: 3, stride: 1, pad: 'same' });
      expect([calls, inputCalls]).toEqual([4, 2]);
    } finally {
      delete process.env[SIMD_FILTER_GRADIENT_ENV];
      delete process.env[SIMD_INPUT_GRADIENT_ENV];
      spy.mockRestore();
    }
  });

  it('the filter gradient reads pruned widths in place (no zero-padded copy), and pads only a tensor that ends too close to the end of the memory', async () => {
    const c = { batch: 2, size: [8, 8] as [number, number], inChannels: 25, outChannels: 12, kernel: 3, stride: 1, pad: 'same' as const };
    await tf.setBackend('cpu');
    const expected = convGradients(c);
    await tf.setBackend('wasm');
    const real = simd.simdKernels(tf.backend())!;
    const widths: number[][] = [];
    const recording = {
      ...real,
      convFilterGrad: (...args: Parameters<typeof real.convFilterGrad>) => (widths.push([args[6], args[9], args[15], args[16]]), real.convFilterGrad(...args)),
    };
    const spy = jest.spyOn(simd, 'simdKernels').mockReturnValue(recording);
    try {
      // [ci, co] computed (4s and 8s), [xc, dyc] the strides read: 25 and 12 in place.
      expect(relativeError(convGradients(c).dw, expected.dw)).toBeLessThan(1e-4);
      expect(widths).toEqual([[28, 16, 25, 12]]);
      const tail = jest.spyOn(simd, 'readableWithTail').mockReturnValue(false);
      try {
        expect(relativeError(convGradients(c).dw, expected.dw)).toBeLessThan(1e-4);
        expect(widths[1]).toEqual([28, 16, 28, 16]);
      } finally {
        tail.mockRestore();
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('readableWithTail: the floats read past a tensor must lie inside the wasm memory', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([2, 3]);
    try {
      const backend = tf.backend();
      const bytes = (backend as unknown as simd.WasmBackendInternals).wasm.asm!.memory!.buffer.byteLength;
      const offset = simd.heapOffset(backend, x);
      expect(simd.readableWithTail(backend, x, 0)).toBe(true);
      expect(simd.readableWithTail(backend, x, 7)).toBe(offset + 4 * 13 <= bytes);
      expect(simd.readableWithTail(backend, x, (bytes - offset) / 4 - 6)).toBe(true);
      expect(simd.readableWithTail(backend, x, (bytes - offset) / 4 - 5)).toBe(false);
    } finally {
      x.dispose();
    }
  });

  it('only the wasm backend gets the kernels, and registering twice is harmless', () => {
    expect(registerAcceleratedWasmKernels({ force: true })).toBe(true);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')?.backendName).toBe('cpu');
  });
});

describe('accelerated wasm Tile matches the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerAcceleratedWasmKernels({ force: true });
  });
  afterAll(() => unregisterAcceleratedWasmKernels());

  it.each([
    [[1, 1, 1, 5], [3, 4, 2, 1]], // BatchNorm's gradient: the fast path
    [[3, 5], [4, 1]], // the first axis repeats the whole tensor: fast path
    [[2, 1, 3], [1, 4, 1]], // an inner axis repeats: stock kernel
    [[2, 3], [2, 2]],
  ])('x %j reps %j', async (shape, reps) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const run = () => {
      const x = tf.tensor(values(size, 9), shape);
      const y = tf.tile(x, reps);
      const out = y.dataSync().slice();
      tf.dispose([x, y]);
      return out;
    };
    await tf.setBackend('cpu');
    const expected = run();
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    expect(Array.from(run())).toEqual(Array.from(expected));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('accelerated wasm Sum and Mean match the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerAcceleratedWasmKernels({ force: true });
  });
  afterAll(() => unregisterAcceleratedWasmKernels());

  it.each([
    [[6, 5, 4, 3], [0, 1, 2], false], // BatchNorm statistics: the fast path
    [[6, 5, 4, 3], [0, 1, 2], true],
    [[7, 3], [0], false],
    [[4, 5, 3], [1, 0], false], // unsorted leading axes
    [[4, 5, 3], [1, 2], false], // trailing axes: stock kernel
    [[4, 5, 3], [0, 2], true], // not a prefix: stock kernel
  ])('x %j axes %j keepDims %s', async (shape, axes, keepDims) => {
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    const run = () => {
      const x = tf.tensor(values(size, 11), shape as number[]);
      const sum = tf.sum(x, axes as number[], keepDims as boolean);
      const mean = tf.mean(x, axes as number[], keepDims as boolean);
      const out = { sum: sum.dataSync().slice(), mean: mean.dataSync().slice(), shape: sum.shape, meanShape: mean.shape };
      tf.dispose([x, sum, mean]);
      return out;
    };
    await tf.setBackend('cpu');
    const expected = run();
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const actual = run();
    expect(tf.memory().numTensors).toBe(before);
    expect(actual.shape).toEqual(expected.shape);
    expect(actual.meanShape).toEqual(expected.meanShape);
    expect(relativeError(actual.sum as Float32Array, expected.sum as Float32Array)).toBeLessThan(1e-5);
    expect(relativeError(actual.mean as Float32Array, expected.mean as Float32Array)).toBeLessThan(1e-5);
  });
});

describe('accelerated wasm MaxPoolGrad matches the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerAcceleratedWasmKernels({ force: true });
  });
  afterAll(() => unregisterAcceleratedWasmKernels());

  it.each([
    [[2, 8, 8, 3], 2, 2, 'valid'], // the reference CNN's pools (the 2×2 stride-2 fast path)
    [[2, 6, 6, 25], 2, 2, 'same'], // fast path, a pruned width
    [[2, 7, 7, 3], 2, 2, 'same'], // 'same' pads the last row and column: the general loop
    [[2, 7, 9, 4], 2, 2, 'valid'], // odd sizes drop the last row/column
    [[2, 7, 7, 3], 3, 2, 'same'], // overlapping windows accumulate (ResNet stems)
    [[1, 6, 6, 2], 3, 1, 'same'],
  ] as Array<[number[], number, number, 'same' | 'valid']>)('x %j pool %i stride %i %s, with ties', async (shape, size, stride, pad) => {
    const count = shape.reduce((a, b) => a * b, 1);
    // Rounded values and zeros make ties: the first maximum of a window must get the gradient.
    const xValues = values(count, 21).map((v) => Math.max(0, Math.round(v * 8) / 8));
    const run = () => {
      const x = tf.tensor4d(xValues, shape as [number, number, number, number]);
      const probe = tf.maxPool(x, size, stride, pad);
      const r = tf.tensor(values(probe.size, 22), probe.shape);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, size, stride, pad), r)))(x);
      const out = dx.dataSync().slice();
      tf.dispose([x, probe, r, dx]);
      return out;
    };
    await tf.setBackend('cpu');
    const expected = run();
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const actual = run();
    expect(tf.memory().numTensors).toBe(before);
    expect(relativeError(actual as Float32Array, expected as Float32Array)).toBeLessThan(1e-6);
  });
});

describe('accelerated wasm Identity and Cast share data', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerAcceleratedWasmKernels({ force: true });
  });
  afterAll(() => unregisterAcceleratedWasmKernels());

  it('clones and same-dtype casts keep their values after the source is disposed, other casts convert', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1.5, -2, 3]);
    const copy = tf.clone(x);
    const same = tf.cast(x, 'float32');
    const ints = tf.cast(x, 'int32');
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1.5, -2, 3]);
    expect(Array.from(same.dataSync())).toEqual([1.5, -2, 3]);
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    expect(ints.dtype).toBe('int32');
    tf.dispose([copy, same, ints]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
