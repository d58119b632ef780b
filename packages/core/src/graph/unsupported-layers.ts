import type { LayersModel } from '@tensorflow/tfjs-layers';
import './builtin-rules';
import { layerRuleFor } from './layer-rules';
import { topologyLayers } from './topology';

/** A layer whose class the channel graph cannot trace channels through. */
export interface UnsupportedLayer {
  /** The layer's name (`model.getLayer(name)`). */
  layer: string;
  /** Its tfjs class name, e.g. `Conv2DTranspose`. */
  className: string;
}

/**
 * The layers of `model` the channel graph cannot trace: classes with no layer rule, classes whose
 * rule is opaque (`opaqueLayerRule`), and nested models. The graph leaves every group touching an
 * opaque layer whole, so a study still gets a valid model, pruned less than asked for; callers
 * that prune a model for deployment refuse it instead, naming these layers.
 */
export function findUnsupportedLayers(model: LayersModel): UnsupportedLayer[] {
  return topologyLayers(model)
    .filter((layer) => {
      const rule = layerRuleFor(layer.getClassName());
      // Inputs are handled by the graph itself (they start the channel flow), not by a rule.
      if (layer.getClassName() === 'InputLayer') return false;
      return layer.layers !== undefined || !rule || rule.opaque === true;
    })
    .map((layer) => ({ layer: layer.name, className: layer.getClassName() }));
}
