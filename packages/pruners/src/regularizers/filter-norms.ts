import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { PruningGroup } from '@prunebench/core';
import { producerKernel } from '../criteria/group-kernels';

/**
 * Σ of squares of each channel's filter over a group's producers (kernel column and bias entry),
 * a [channels] tensor built from the weight variables, so a penalty on it has their gradient.
 */
export function squaredFilterNorms(model: LayersModel, group: PruningGroup): tf.Tensor1D {
  const parts: tf.Tensor[] = [];
  for (const producer of group.producers) {
    const kernel = producerKernel(model, producer).read();
    parts.push(tf.sum(tf.square(tf.reshape(kernel, [-1, group.channels])), 0));
    const bias = model.getLayer(producer).weights.find((w) => /bias$/.test(w.originalName));
    if (bias) parts.push(tf.square(bias.read()));
  }
  return (parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Tensor1D;
}
