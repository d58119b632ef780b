import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { makeTranspose } from './transpose';
import { registerAcceleratedWasmKernels, unregisterAcceleratedWasmKernels } from './register';

function values(count: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => i * 0.5 - 7);
}

async function transposed(backend: string, shape: number[], perm: number[]): Promise<{ shape: number[]; data: Float32Array; kernels: string[] }> {
  await tf.setBackend(backend);
  const x = tf.tensor(values(shape.reduce((a, b) => a * b, 1)), shape);
  let y: tf.Tensor | undefined;
  const profile = await tf.profile(() => {
    y = tf.keep(tf.transpose(x, perm));
  });
  const result = { shape: y!.shape, data: y!.dataSync() as Float32Array, kernels: [...profile.kernelNames] }; // copied: tf.profile reuses its result object
  tf.dispose([x, y!]);
  return result;
}

describe('accelerated wasm Transpose (filter-gradient layouts) matches cpu exactly', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerAcceleratedWasmKernels({ force: true });
  });
  afterAll(() => unregisterAcceleratedWasmKernels());

  it.each([
    ['[N,H,W,C] -> [C,H,W,N], 4x4 tiles', [8, 3, 5, 12], [3, 1, 2, 0]],
    ['[N,H,W,C] -> [H,W,N,C], whole rows', [3, 4, 2, 8], [1, 2, 0, 3]],
    ['N not a multiple of 4 (stock kernel)', [6, 3, 3, 4], [3, 1, 2, 0]],
    ['C not a multiple of 4 (stock kernel)', [4, 2, 3, 3], [1, 2, 0, 3]],
    ['another permutation (stock kernel)', [4, 2, 3, 4], [0, 3, 1, 2]],
  ])('%s', async (_label, shape, perm) => {
    const expected = await transposed('cpu', shape, perm);
    const actual = await transposed('wasm', shape, perm);
    expect(actual.shape).toEqual(expected.shape);
    expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
    expect(actual.kernels).toEqual(['Transpose']);
  });

  it('uses its SIMD loops, not the stock kernel, exactly for the two filter-gradient layouts', async () => {
    await tf.setBackend('wasm');
    const stock = jest.fn(() => ({ dataId: {}, shape: [], dtype: 'float32' as const }));
    const kernel = makeTranspose(stock);
    const run = (shape: number[], perm: number[]) => {
      const x = tf.zeros(shape);
      const out = kernel({ inputs: { x }, attrs: { perm }, backend: tf.backend() }) as tf.TensorInfo;
      if (stock.mock.calls.length === 0) tf.backend().disposeData(out.dataId);
      x.dispose();
    };
    run([8, 3, 5, 12], [3, 1, 2, 0]);
    run([3, 4, 2, 8], [1, 2, 0, 3]);
    expect(stock).not.toHaveBeenCalled();
    run([6, 3, 3, 4], [3, 1, 2, 0]);
    expect(stock).toHaveBeenCalledTimes(1);
  });
});
