import * as tf from '@tensorflow/tfjs-core';
// The gradients of tfjs's ops (tfjs-layers registers them too).
import '@tensorflow/tfjs-layers';
import { selectBackend } from '../../backend/select';
import { meterCompute } from './engine-meter';
import { measure } from './measured-cost';

// x [2, 8, 8, 3] * filter [3, 3, 3, 4], 'same': output [2, 8, 8, 4], each a sum of 3 × 3 × 3 products.
const CONV_MACS = 2 * 8 * 8 * 4 * (3 * 3 * 3);

describe.each(['wasm', 'cpu'] as const)('engine compute meter on %s', (backend) => {
  beforeAll(async () => {
    const selection = await selectBackend(backend);
    if (backend === 'wasm') expect(selection.acceleratedKernels).toBe(true);
  });

  it('counts a convolution, its two gradients and a matrix product, called through tfjs directly', async () => {
    const x = tf.randomNormal([2, 8, 8, 3]);
    const filter = tf.randomNormal([3, 3, 3, 4]);
    const a = tf.randomNormal([4, 5]);
    const b = tf.randomNormal([5, 6]);
    const before = tf.memory().numTensors;
    const { compute } = await meterCompute(async () => {
      const grads = tf.grads((xx: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 1, 'same')))([x, filter]);
      const product = tf.matMul(a, b);
      await product.data();
      tf.dispose([...grads, product]);
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(compute.byKernel.Conv2D).toEqual({ calls: 1, macs: CONV_MACS });
    // The gradients do the forward's work again each; prunebench's wasm filter gradient runs
    // wasm's Conv2D inside, which must not be counted a second time.
    expect(compute.byKernel.Conv2DBackpropInput).toEqual({ calls: 1, macs: CONV_MACS });
    expect(compute.byKernel.Conv2DBackpropFilter).toEqual({ calls: 1, macs: CONV_MACS });
    expect(compute.byKernel.BatchMatMul).toEqual({ calls: 1, macs: 4 * 6 * 5 });
    expect(compute.macs).toBe(3 * CONV_MACS + 120);
    tf.dispose([x, filter, a, b]);
  });

  it('counts fused convolutions (what layers with a bias run) and nothing outside the metered work', async () => {
    const x = tf.randomNormal([2, 8, 8, 3]);
    const filter = tf.randomNormal([3, 3, 3, 4]);
    const bias = tf.zeros([4]);
    tf.dispose(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same')); // before metering: not counted
    const { compute } = await meterCompute(async () => {
      tf.dispose(tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, strides: 1, pad: 'same', bias, activation: 'relu' }));
    });
    expect(compute.macs).toBe(CONV_MACS);
    tf.dispose([x, filter, bias]);
  });

  it('counts the steps of tfjs optimizers', async () => {
    const w = tf.variable(tf.ones([3]));
    const optimizer = tf.train.adam(0.1);
    const { optimizerSteps } = await measure(async () => {
      for (let i = 0; i < 4; i++) optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar)?.dispose();
    });
    expect(optimizerSteps).toBe(4);
    optimizer.dispose();
    w.dispose();
  });
});
