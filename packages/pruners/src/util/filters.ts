// Functional ops only: chained tensor methods need tfjs-core's chained-op registration.
import * as tf from '@tensorflow/tfjs-core';

/**
 * A kernel's output filters as rows: tfjs kernels put the output channel last ([kh, kw, in, out]
 * for a 2-D conv, [in, out] for a dense layer), so this is the [out, kh·kw·in] matrix.
 */
export function filterRows(kernel: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    if (kernel.rank < 2) throw new Error(`expected a conv or dense kernel, got shape [${kernel.shape}]`);
    const last = kernel.rank - 1;
    const out = kernel.shape[last] as number;
    const perm = [last, ...Array.from({ length: last }, (_, i) => i)];
    return tf.reshape(tf.transpose(kernel, perm), [out, -1]) as tf.Tensor2D;
  });
}
