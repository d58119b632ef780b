import type { LayerVariable, LayersModel } from '@tensorflow/tfjs-layers';
import type { PruningGroup } from '@prunebench/core';

/** The weight whose last axis is a producer's output channels (conv, separable conv, dense). */
export function producerKernel(model: LayersModel, layerName: string): LayerVariable {
  const layer = model.getLayer(layerName);
  const suffix = (w: LayerVariable) => w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
  const kernel =
    layer.weights.find((w) => suffix(w) === 'pointwise_kernel') ?? layer.weights.find((w) => suffix(w) === 'kernel');
  if (!kernel) throw new Error(`layer "${layerName}" (${layer.getClassName()}) has no kernel to score`);
  return kernel;
}

/**
 * Scores each group by summing `score(kernel)` over its producers: one producer normally,
 * several when a residual merge ties their outputs together.
 */
export function scoreByProducerKernels(
  model: LayersModel,
  groups: PruningGroup[],
  score: (kernel: LayerVariable) => Float32Array,
): Map<number, Float32Array> {
  const scores = new Map<number, Float32Array>();
  for (const group of groups) {
    const total = new Float32Array(group.channels);
    for (const producer of group.producers) {
      const values = score(producerKernel(model, producer));
      if (values.length !== group.channels) {
        throw new Error(`layer "${producer}" has ${values.length} output channels, but its group ${group.id} has ${group.channels}`);
      }
      values.forEach((v, i) => (total[i] += v));
    }
    scores.set(group.id, total);
  }
  return scores;
}
