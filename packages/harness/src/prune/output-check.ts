import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { applyWeightMasks, zeroDroppedChannels, type ChannelGraph, type KeptChannels, type WeightMasks } from '@prunebench/core';

/** What the output check measured (written to pruning.json). */
export interface OutputCheck {
  /** Largest |pruned − reference| over every output of the random batch. */
  maxAbsError: number;
  /** Largest |reference| output: the scale the error is judged against. */
  outputScale: number;
  /** maxAbsError / max(1, outputScale): what the tolerance bounds. */
  relativeError: number;
  tolerance: number;
  passed: boolean;
  batchSize: number;
  seed: number;
}

/**
 * Turns `original` (in place) into what the pruned model must compute: a structured pruning's
 * dropped channels zeroed at every consumer (`zeroDroppedChannels`), weight masks applied.
 */
export function zeroPrunedParts(original: LayersModel, graph: ChannelGraph, selection?: KeptChannels, masks?: WeightMasks): void {
  if (selection) zeroDroppedChannels(original, graph, selection);
  if (masks) applyWeightMasks(original, masks);
}

/** A seeded standard-normal batch for each input of `model` (unknown dims become 8). */
export function randomInputs(model: LayersModel, batchSize: number, seed: number): tf.Tensor[] {
  return model.inputs.map((input, i) => {
    const shape = input.shape.slice(1).map((d) => (typeof d === 'number' ? d : 8));
    return tf.randomNormal([batchSize, ...shape], 0, 1, 'float32', seed + i);
  });
}

/**
 * Compares `pruned` with `reference` (the original with the pruned parts zeroed) on one random
 * batch in inference mode. Both models are left as they are.
 */
export async function compareOutputs(reference: LayersModel, pruned: LayersModel, options: { tolerance: number; batchSize?: number; seed?: number }): Promise<OutputCheck> {
  const batchSize = options.batchSize ?? 4;
  const seed = options.seed ?? 0;
  const inputs = randomInputs(reference, batchSize, seed);
  let measured: tf.Tensor[] = [];
  try {
    // Per output, its largest |error| and |reference|, kept as tensors and read asynchronously
    // after the tidy: on webgpu a GPU tensor cannot be read synchronously in Node.
    measured = tf.tidy(() => {
      const expected = [reference.predict(inputs)].flat() as tf.Tensor[];
      const actual = [pruned.predict(inputs)].flat() as tf.Tensor[];
      if (expected.length !== actual.length) throw new Error(`the pruned model has ${actual.length} outputs, the original ${expected.length}`);
      return expected.map((e, i) => {
        if (e.shape.join('x') !== actual[i].shape.join('x')) {
          throw new Error(`output ${i} of the pruned model has shape [${actual[i].shape}], the original's [${e.shape}]`);
        }
        return tf.stack([tf.max(tf.abs(tf.sub(e, actual[i]))), tf.max(tf.abs(e))]);
      });
    });
    let error = 0;
    let scale = 0;
    for (const pair of measured) {
      const [e, s] = await pair.data();
      error = Math.max(error, e);
      scale = Math.max(scale, s);
    }
    // NaN compares false: a NaN anywhere must fail the check, never pass it.
    const maxAbsError = Number.isNaN(error) ? Infinity : error;
    const outputScale = scale;
    const relativeError = maxAbsError / Math.max(1, outputScale);
    return { maxAbsError, outputScale, relativeError, tolerance: options.tolerance, passed: relativeError <= options.tolerance, batchSize, seed };
  } finally {
    tf.dispose(inputs);
    tf.dispose(measured);
  }
}
