import * as tf from '@tensorflow/tfjs-core';
import type { CriterionContext, GradientOptions, PruningGroup } from '@prunebench/core';

/** Per-channel sums over the calibration batches, per tapped layer, and what they were summed over. */
export interface TapStatistics {
  sums: Map<string, Float64Array>;
  batches: number;
  examples: number;
}

/**
 * One pass over the calibration batches: for each batch, the activations of every group's
 * `after-bn` tap and the loss's gradients with respect to them, reduced by `perChannel` to one
 * value per channel ([channels], inside a tidy) and summed per layer.
 */
export async function gradientStatistics(
  groups: readonly PruningGroup[],
  context: CriterionContext,
  calibration: { batches: number; batchSize: number },
  gradient: GradientOptions,
  perChannel: (activation: tf.Tensor, gradient: tf.Tensor) => tf.Tensor,
): Promise<TapStatistics> {
  const layers = [...new Set(groups.flatMap((g) => context.helpers.taps(g, 'after-bn').map((t) => t.layer)))];
  const sums = new Map<string, Float64Array>();
  let batches = 0;
  let examples = 0;
  for await (const batch of context.helpers.calibrationBatches(calibration)) {
    const { activations, gradients } = context.helpers.activationGradients(context.model, batch, layers, gradient);
    try {
      for (const layer of layers) {
        const reduced = tf.tidy(() => perChannel(activations.get(layer)!, gradients.get(layer)!));
        // Read asynchronously: on webgpu a GPU tensor cannot be read synchronously in Node.
        let values: Float32Array;
        try {
          values = (await reduced.data()) as Float32Array;
        } finally {
          reduced.dispose();
        }
        const sum = sums.get(layer) ?? new Float64Array(values.length);
        values.forEach((v, k) => (sum[k] += v));
        sums.set(layer, sum);
      }
    } finally {
      tf.dispose([...activations.values(), ...gradients.values()]);
    }
    batches++;
    examples += batch.x.shape[0];
  }
  return { sums, batches, examples };
}

/** A group's channels read from the per-layer sums at its taps (summed over a residual group's taps), divided by `divisor`. */
export function groupStatistic(group: PruningGroup, context: CriterionContext, sums: ReadonlyMap<string, Float64Array>, divisor: number): Float32Array {
  const score = new Float32Array(group.channels);
  for (const { layer, offset } of context.helpers.taps(group, 'after-bn')) {
    const sum = sums.get(layer)!;
    for (let k = 0; k < group.channels; k++) score[k] += sum[offset + k] / divisor;
  }
  return score;
}

/** Axes 1 … rank-2 of an activation: its spatial positions (none for a dense layer's [n, units]). */
export function spatialAxes(t: tf.Tensor): number[] {
  return Array.from({ length: t.rank - 2 }, (_, a) => a + 1);
}
