import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { registerAcceleratedWasmKernels, unregisterAcceleratedWasmKernels } from './register';

// The phase-decomposed strided input gradient writes through wasm heap views; a view taken
// before an allocation goes stale when wasm memory grows. A fresh process and tensors larger
// than anything allocated before make the heap grow inside the kernel: the result must still
// equal the reference (dy dilated by the stride, one stride-1 conv with the flipped filter).
describe('strided input gradient on a growing wasm heap', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerAcceleratedWasmKernels({ force: true });
  });
  afterAll(() => unregisterAcceleratedWasmKernels());

  it.each([
    [32, 64, 16, 32, 3],
    [16, 56, 32, 64, 1],
  ])('batch %i, size %i, %i -> %i channels, k%i, stride 2', (n, h, ci, co, k) => {
    const x = tf.randomNormal([n, h, h, ci], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([k, k, ci, co], 0, 1, 'float32', 2) as tf.Tensor4D;
    const oh = Math.ceil(h / 2);
    const dy = tf.randomNormal([n, oh, oh, co], 0, 1, 'float32', 3) as tf.Tensor4D;
    const dx = tf.conv2dTranspose(dy, w, [n, h, h, ci], 2, 'same');
    const reference = tf.tidy(() => {
      const pt = Math.floor(Math.max((oh - 1) * 2 + k - h, 0) / 2);
      const dilated = tf.reshape(tf.pad(tf.reshape(dy, [n, oh, 1, oh, 1, co]), [[0, 0], [0, 0], [0, 1], [0, 0], [0, 1], [0, 0]]), [n, oh * 2, oh * 2, co]) as tf.Tensor4D;
      const flipped = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      const top = k - 1 - pt;
      const bottom = h + k - 1 - top - oh * 2;
      return tf.conv2d(dilated, flipped, 1, [[0, 0], [top, bottom], [top, bottom], [0, 0]]);
    });
    const error = tf.tidy(() => tf.div(tf.max(tf.abs(tf.sub(dx, reference))), tf.max(tf.abs(reference))).dataSync()[0]);
    expect(error).toBeLessThan(1e-5);
    tf.dispose([x, w, dy, dx, reference]);
  });
});
