import type { LayerVariable, LayersModel } from '@tensorflow/tfjs-layers';
import { PrunebenchError, type PruningGroup } from '@prunebench/core';

/** The weight whose last axis is a producer's output channels (conv, separable conv, dense). */
export function producerKernel(model: LayersModel, layerName: string): LayerVariable {
  const layer = model.getLayer(layerName);
  const suffix = (w: LayerVariable) => w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
  const kernel = layer.weights.find((w) => suffix(w) === 'pointwise_kernel') ?? layer.weights.find((w) => suffix(w) === 'kernel');
  if (!kernel) throw new PrunebenchError(`layer "${layerName}" (${layer.getClassName()}) has no kernel to score`);
  return kernel;
}

/**
 * A group's score from its producers' kernels: `score(kernel)` summed over the producers (one
 * normally, several when a residual merge ties their outputs together).
 */
export async function scoreProducerKernels(model: LayersModel, group: PruningGroup, score: (kernel: LayerVariable) => Promise<Float32Array>): Promise<Float32Array> {
  const total = new Float32Array(group.channels);
  for (const producer of group.producers) {
    const values = await score(producerKernel(model, producer));
    if (values.length !== group.channels) {
      throw new PrunebenchError(`layer "${producer}" has ${values.length} output channels, but its group ${group.id} has ${group.channels}`);
    }
    values.forEach((v, i) => (total[i] += v));
  }
  return total;
}
