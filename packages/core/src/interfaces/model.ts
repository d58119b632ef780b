import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ComponentClass } from './component';

export interface ModelSpec {
  /** Input shape without the batch dimension, e.g. [32, 32, 3] (channels last). */
  inputShape: number[];
  numClasses: number;
  /** Seed for the weight initialisers: the same seed gives the same weights (default 0). */
  seed?: number;
}

/**
 * Builds a functional `tf.LayersModel`; pruning works on any such model via the graph.
 * The built-in models output logits (no softmax): train them with softmax cross-entropy
 * from logits.
 */
export interface ModelFactory {
  build(spec: ModelSpec): LayersModel;
}

export type ModelClass = ComponentClass<ModelFactory> & {
  /** The input shape the model is meant for, e.g. [32, 32, 3] (what `inspect` uses by default). */
  readonly defaultInputShape?: readonly number[];
  /** The class count it is usually built with (default 10). */
  readonly defaultNumClasses?: number;
};
