import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Rng } from '@prunebench/core';

/**
 * Re-draws a model's weights from `rng`, as a fresh model of the same architecture: kernels from
 * Glorot-uniform (tfjs layers' default initializer; fan-in and fan-out from the kernel's shape,
 * the last axis being the outputs), biases and BatchNorm betas and moving means 0, BatchNorm
 * gammas and moving variances 1. Seeded, unlike an initializer without a seed.
 */
export function reinitializeWeights(model: LayersModel, rng: Rng): void {
  for (const layer of model.layers) {
    for (const weight of layer.weights) {
      const name = weight.originalName.slice(weight.originalName.lastIndexOf('/') + 1);
      const shape = weight.shape as number[];
      const size = shape.reduce((a, b) => a * b, 1);
      let values: Float32Array;
      if (/kernel$/.test(name)) {
        const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
        const fanIn = (shape.length >= 2 ? shape[shape.length - 2] : 1) * receptive;
        const fanOut = shape[shape.length - 1] * receptive;
        const limit = Math.sqrt(6 / (fanIn + fanOut));
        values = Float32Array.from({ length: size }, () => rng.uniform(-limit, limit));
      } else {
        values = new Float32Array(size).fill(name === 'gamma' || name === 'moving_variance' ? 1 : 0);
      }
      const tensor = tf.tensor(values, shape);
      weight.write(tensor);
      tensor.dispose();
    }
  }
}
