import type { LayersModel } from '@tensorflow/tfjs-layers';
import { topologyLayers } from './build-graph';
import {
  CHANNEL_ZERO_PAD_CLASS,
  CONV_CLASSES,
  MERGE_CLASSES,
  PASSTHROUGH_CLASSES,
  PRODUCER_CLASSES,
} from './layer-kinds';

/** Classes the graph traces by name (the branches of `buildChannelGraph`). */
const TRACED_CLASSES = new Set<string>([
  'InputLayer',
  'BatchNormalization',
  'Flatten',
  'Concatenate',
  CHANNEL_ZERO_PAD_CLASS,
  ...CONV_CLASSES,
  ...PRODUCER_CLASSES,
  ...PASSTHROUGH_CLASSES,
  ...MERGE_CLASSES,
]);

/** A layer whose class the channel graph has no rule for. */
export interface UnsupportedLayer {
  /** The layer's name (`model.getLayer(name)`). */
  layer: string;
  /** Its tfjs class name, e.g. `Conv2DTranspose`. */
  className: string;
}

/**
 * The layers of `model` whose class the channel graph does not know (nested models included:
 * they are not traced). The graph leaves every group touching such a layer whole, so pruning
 * still gives a valid model, but one pruned less than asked for; callers that prune a model for
 * deployment refuse it instead, naming these layers.
 */
export function findUnsupportedLayers(model: LayersModel): UnsupportedLayer[] {
  return topologyLayers(model)
    .filter((layer) => layer.layers !== undefined || !TRACED_CLASSES.has(layer.getClassName()))
    .map((layer) => ({ layer: layer.name, className: layer.getClassName() }));
}
