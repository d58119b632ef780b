import type { LayersModel } from '@tensorflow/tfjs-layers';

/** The slice of a tfjs layer the graph reads (public fields of `Layer` that its typings hide). */
export interface TopologyLayer {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  outputShape: unknown;
  weights: unknown[];
  inboundNodes: Array<{ inboundLayers: TopologyLayer[]; nodeIndices: number[]; tensorIndices: number[] }>;
  /** Present on nested models. */
  layers?: unknown;
}

/**
 * The layers of a model in order, as the graph reads them. A `Sequential` model does not list
 * its `InputLayer` in `layers`; it is put first here, so its channels are traced too.
 */
export function topologyLayers(model: LayersModel): TopologyLayer[] {
  const layers = model.layers as unknown as TopologyLayer[];
  const listed = new Set(layers.map((layer) => layer.name));
  const hiddenInputs = new Map<string, TopologyLayer>();
  for (const layer of layers) {
    for (const node of layer.inboundNodes) {
      for (const inbound of node.inboundLayers) {
        if (!listed.has(inbound.name) && inbound.getClassName() === 'InputLayer') hiddenInputs.set(inbound.name, inbound);
      }
    }
  }
  return [...hiddenInputs.values(), ...layers];
}

/** Shape without the batch dimension; null entries stay null; null for multi-output layers. */
export function outputShapeOf(layer: TopologyLayer): Array<number | null> | null {
  const shape = layer.outputShape as Array<number | null> | Array<Array<number | null>>;
  if (!Array.isArray(shape) || shape.length === 0 || Array.isArray(shape[0])) return null;
  return (shape as Array<number | null>).slice(1);
}
