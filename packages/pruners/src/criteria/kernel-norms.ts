import * as tf from '@tensorflow/tfjs-core';

// Kernels put the output channel last ([kh, kw, in, out] for a 2-D conv, [in, out] for a dense
// layer), so the flat data is a [rows, out] matrix: one column per output filter. Scoring walks
// it directly — a transpose to filter rows costs more than the scoring on the cpu backend.
// Kernels are read asynchronously: on webgpu a GPU tensor cannot be read synchronously in Node.

function outputChannels(kernel: tf.Tensor): number {
  if (kernel.rank < 2) throw new Error(`expected a conv or dense kernel, got shape [${kernel.shape}]`);
  return kernel.shape[kernel.rank - 1] as number;
}

/** PFEC's score of each output filter: Σ|w| over its kh × kw × in kernel. */
export async function l1FilterScores(kernel: tf.Tensor): Promise<Float32Array> {
  const out = outputChannels(kernel);
  const data = await kernel.data();
  const sums = new Float64Array(out);
  for (let i = 0; i < data.length; i++) sums[i % out] += Math.abs(data[i]);
  return Float32Array.from(sums);
}

/** The Euclidean norm of each output filter. */
export async function l2FilterScores(kernel: tf.Tensor): Promise<Float32Array> {
  const out = outputChannels(kernel);
  const data = await kernel.data();
  const sums = new Float64Array(out);
  for (let i = 0; i < data.length; i++) sums[i % out] += data[i] * data[i];
  return Float32Array.from(sums, Math.sqrt);
}

/**
 * FPGM (He et al. 2019), in the paper's practical form: a filter's score is the sum of its
 * Euclidean distances to every other filter of the layer. Filters near the geometric median
 * (small sums) are the most replaceable and are pruned first.
 */
export async function fpgmFilterScores(kernel: tf.Tensor): Promise<Float32Array> {
  const out = outputChannels(kernel);
  const scores = tf.tidy(() => {
    const columns = tf.reshape(kernel, [-1, out]);
    // ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b, clamped at 0 against rounding before the square root.
    const gram = tf.matMul(columns, columns, true, false);
    const norms = tf.reshape(tf.sum(tf.square(columns), 0), [out, 1]);
    const squared = tf.relu(tf.sub(tf.add(norms, tf.transpose(norms)), tf.mul(gram, 2)));
    return tf.sum(tf.sqrt(squared), 1);
  });
  try {
    return Float32Array.from(await scores.data());
  } finally {
    scores.dispose();
  }
}
