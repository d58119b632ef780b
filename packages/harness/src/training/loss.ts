import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/**
 * Whether the model's output is already a probability distribution: its last layer applies
 * a softmax (a `Dense`/`Conv` with `activation: 'softmax'`, an `Activation('softmax')` or a
 * `Softmax` layer). Otherwise the outputs are taken as logits.
 */
export function outputsProbabilities(model: LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  if (!last) return false;
  if (last.getClassName() === 'Softmax') return true;
  const config = last.getConfig() as { activation?: unknown };
  return config.activation === 'softmax';
}

const EPSILON = 1e-7;

/**
 * Per-example categorical cross-entropy [batch] of one-hot `labels` and the model's outputs:
 * from logits through a log-softmax, or from probabilities clipped like Keras does.
 */
export function crossEntropyPerExample(labels: tf.Tensor, outputs: tf.Tensor, fromLogits: boolean): tf.Tensor1D {
  return tf.tidy(() => {
    const logProbabilities = fromLogits ? tf.logSoftmax(outputs) : tf.log(tf.clipByValue(outputs, EPSILON, 1 - EPSILON));
    return tf.neg(tf.sum(tf.mul(labels, logProbabilities), -1)) as tf.Tensor1D;
  });
}

/** Mean categorical cross-entropy over the batch. */
export function crossEntropy(labels: tf.Tensor, outputs: tf.Tensor, fromLogits: boolean): tf.Scalar {
  return tf.tidy(() => tf.mean(crossEntropyPerExample(labels, outputs, fromLogits)) as tf.Scalar);
}

/** How many rows of `outputs` have the label among their `k` largest entries (a scalar). */
export function countTopK(labels: tf.Tensor, outputs: tf.Tensor, k: number): tf.Scalar {
  return tf.tidy(() => {
    const target = tf.argMax(labels, -1);
    if (k === 1) return tf.sum(tf.cast(tf.equal(tf.argMax(outputs, -1), target), 'float32')) as tf.Scalar;
    const { indices } = tf.topk(outputs, k);
    const hit = tf.equal(indices, tf.expandDims(tf.cast(target, 'int32'), 1));
    return tf.sum(tf.cast(tf.any(hit, -1), 'float32')) as tf.Scalar;
  });
}
