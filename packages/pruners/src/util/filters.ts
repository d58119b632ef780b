// Functional ops only: chained tensor methods need tfjs-core's chained-op registration.
import * as tf from '@tensorflow/tfjs-core';

/**
 * A conv kernel's output filters as rows: tfjs kernels are [kh, kw, in, out] (the output
 * filter is the last axis), so this is the [out, kh·kw·in] matrix. Depthwise kernels
 * [kh, kw, in, multiplier] give one row per output channel (in·multiplier rows).
 */
export function filterRows(kernel: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    if (kernel.rank !== 4) throw new Error(`expected a rank-4 conv kernel, got shape [${kernel.shape}]`);
    const out = kernel.shape[3];
    return tf.reshape(tf.transpose(kernel, [3, 0, 1, 2]), [out, -1]) as tf.Tensor2D;
  });
}

/** Depthwise kernels: one row per output channel `c·multiplier + m`. */
export function depthwiseFilterRows(kernel: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const [kh, kw, inChannels, multiplier] = kernel.shape as number[];
    // [kh, kw, in, mult] → [in, mult, kh·kw] → rows in·mult, matching the output channel order.
    return tf.reshape(tf.transpose(kernel, [2, 3, 0, 1]), [inChannels * multiplier, kh * kw]) as tf.Tensor2D;
  });
}
