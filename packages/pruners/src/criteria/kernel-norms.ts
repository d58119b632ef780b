import * as tf from '@tensorflow/tfjs-core';
import { filterRows } from '../util/filters';

/** PFEC's score of each output filter: Σ|w| over its kh × kw × in kernel. */
export function l1FilterScores(kernel: tf.Tensor): Float32Array {
  const scores = tf.tidy(() => tf.sum(tf.abs(filterRows(kernel)), 1));
  const values = scores.dataSync() as Float32Array;
  scores.dispose();
  return Float32Array.from(values);
}

/** The Euclidean norm of each output filter. */
export function l2FilterScores(kernel: tf.Tensor): Float32Array {
  const scores = tf.tidy(() => tf.sqrt(tf.sum(tf.square(filterRows(kernel)), 1)));
  const values = scores.dataSync() as Float32Array;
  scores.dispose();
  return Float32Array.from(values);
}

/**
 * FPGM (He et al. 2019), in the paper's practical form: a filter's score is the sum of its
 * Euclidean distances to every other filter of the layer. Filters near the geometric median
 * (small sums) are the most replaceable and are pruned first.
 */
export function fpgmFilterScores(kernel: tf.Tensor): Float32Array {
  const scores = tf.tidy(() => {
    const rows = filterRows(kernel);
    // ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b, clamped at 0 against rounding before the square root.
    const norms = tf.sum(tf.square(rows), 1, true);
    const gram = tf.matMul(rows, rows, false, true);
    const squared = tf.relu(tf.sub(tf.add(norms, tf.transpose(norms)), tf.mul(gram, 2)));
    return tf.sum(tf.sqrt(squared), 1);
  });
  const values = scores.dataSync() as Float32Array;
  scores.dispose();
  return Float32Array.from(values);
}
