import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ComponentClass } from './component';

export interface ModelSpec {
  /** Input shape without the batch dimension, e.g. [32, 32, 3] (channels last). */
  inputShape: number[];
  numClasses: number;
  /** Seed for the weight initialisers. */
  seed?: number;
}

/** Builds a functional `tf.LayersModel`; pruning works on any such model via the graph. */
export interface ModelFactory {
  build(spec: ModelSpec): LayersModel;
}

export type ModelClass = ComponentClass<ModelFactory>;
