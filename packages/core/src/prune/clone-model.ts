import * as tf from '@tensorflow/tfjs-core';
import { models, type LayersModel } from '@tensorflow/tfjs-layers';

/**
 * A new model with the same topology, layer names and weight values, sharing nothing mutable
 * with the original (pruning never changes the model it was given: the harness reuses it).
 * Custom layers must be registered with tfjs serialization, as saving them already requires.
 */
export async function cloneModel(model: LayersModel): Promise<LayersModel> {
  const topology = model.toJSON(undefined, false) as tf.serialization.ConfigDict;
  const clone = await models.modelFromJSON({ modelTopology: topology });
  const weights = model.getWeights();
  // getWeights returns the variables' own tensors; copies keep the two models independent.
  const copies = weights.map((w) => tf.clone(w));
  clone.setWeights(copies);
  tf.dispose(copies);
  return clone;
}
