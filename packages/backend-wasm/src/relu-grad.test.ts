import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { registerAcceleratedWasmKernels, unregisterAcceleratedWasmKernels } from './register';
import { RELU_GRAD } from './relu-grad';

/** x and dy with zeros, negatives, NaN and infinities in both. */
function inputs(count: number): { x: Float32Array; dy: Float32Array } {
  const special = [0, -0, 1.5, -2, NaN, Infinity, -Infinity];
  const x = Float32Array.from({ length: count }, (_, i) => (i % 5 === 0 ? special[i % special.length] : Math.sin(i) * 3));
  const dy = Float32Array.from({ length: count }, (_, i) => (i % 7 === 3 ? special[(i >> 1) % special.length] : Math.cos(i)));
  return { x, dy };
}

async function reluGradient(backend: string, count: number): Promise<{ dx: Float32Array; kernels: string[] }> {
  await tf.setBackend(backend);
  const { x: xs, dy: dys } = inputs(count);
  const x = tf.tensor1d(xs);
  const dy = tf.tensor1d(dys);
  let dx: tf.Tensor | undefined;
  const profile = await tf.profile(() => {
    dx = tf.keep(tf.grad((a: tf.Tensor) => tf.relu(a))(x, dy));
  });
  const kernels = [...profile.kernelNames]; // copied: tf.profile reuses its result object
  const out = dx!.dataSync().slice() as Float32Array;
  tf.dispose([x, dy, dx!]);
  return { dx: out, kernels };
}

describe('ReLU gradient as one kernel on accelerated wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerAcceleratedWasmKernels({ force: true });
  });
  afterAll(() => unregisterAcceleratedWasmKernels());

  it.each([[64], [1027]])('%i values: the same dx as tfjs on cpu, NaN and infinities included, in one kernel', async (count) => {
    const expected = await reluGradient('cpu', count);
    const actual = await reluGradient('wasm', count);
    expect(Array.from(actual.dx)).toEqual(Array.from(expected.dx));
    expect(actual.kernels).toContain(RELU_GRAD);
    expect(actual.kernels).not.toContain('Step');
    expect(expected.kernels).toContain('Step');
  });

  it('unregistering restores tfjs\'s gradient', async () => {
    unregisterAcceleratedWasmKernels();
    const stock = await reluGradient('wasm', 16);
    expect(stock.kernels).toContain('Step');
    expect(stock.kernels).not.toContain(RELU_GRAD);
    registerAcceleratedWasmKernels({ force: true });
  });
});
