import type { LayersModel } from '@tensorflow/tfjs-layers';
import '../graph/builtin-rules';
import { layerRuleFor } from '../graph/layer-rules';
import { product, shapeWithoutBatch } from './mac-rules';
import type { WeightMasks } from '../interfaces/pruner';
import { withDeprecatedFlops, type DeprecatedFlops } from '../compat';

/** One layer's share of the cost. */
export interface LayerCost extends DeprecatedFlops {
  name: string;
  className: string;
  /** Output shape without the batch dimension. */
  outputShape: Array<number | null>;
  /** Trainable parameters: weights, biases, BatchNorm gamma and beta (not moving statistics). */
  params: number;
  /** Trainable parameters not removed by a mask (equal to `params` without masks). */
  nonZeroParams: number;
  /** Multiply-accumulates of one example (conv and dense layers; 0 for the others). */
  macs: number;
}

/** A model's cost: per layer, and the totals. */
export interface ModelCost extends DeprecatedFlops {
  params: number;
  nonZeroParams: number;
  /** Multiply-accumulates of one example, all layers. */
  macs: number;
  layers: LayerCost[];
}

export interface CostOptions {
  /** Masks of an unstructured pruner, keyed by weight variable name: `nonZeroParams` counts their ones. */
  masks?: WeightMasks;
  /**
   * Count BatchNorm's gamma and beta (default true, the rule of docs/spec/cost-counting.md). The PFEC paper's
   * parameter figures leave them out: pass false to compare with them.
   */
  includeBatchNorm?: boolean;
}

function countOnes(mask: Float32Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

/**
 * Counts a model's parameters and MACs, per layer and in total, from its weights' shapes (no
 * forward pass). MACs are multiply-accumulates of one example (what the PFEC paper calls FLOPs):
 * for a conv or dense layer, the size of each kernel times the number of output positions it is
 * applied at (`kh·kw·in·out·oh·ow` for a conv, `in·out` for a dense layer); `Conv2DTranspose`
 * is counted at its input positions. Other layers (BatchNorm, pooling, adds) count no MACs.
 * Each layer's MACs come from its layer rule (`LayerRule.macs`), so a plugin that adds a layer
 * class says there what it costs.
 */
export function countCost(model: LayersModel, options: CostOptions = {}): ModelCost {
  const includeBatchNorm = options.includeBatchNorm ?? true;
  const layers: LayerCost[] = model.layers.map((layer) => {
    const className = layer.getClassName();
    const outputShape = shapeWithoutBatch(layer.outputShape);
    let params = 0;
    let nonZeroParams = 0;
    if (includeBatchNorm || className !== 'BatchNormalization') {
      for (const weight of layer.trainableWeights) {
        const size = product(weight.shape);
        params += size;
        const mask = options.masks?.get(weight.name) ?? options.masks?.get(weight.originalName);
        nonZeroParams += mask ? countOnes(mask) : size;
      }
    }
    // The layer's rule says what it costs (cost/mac-rules.ts); a class without one costs no MACs.
    const macs = layerRuleFor(className)?.macs?.(layer) ?? 0;
    return withDeprecatedFlops({ name: layer.name, className, outputShape, params, nonZeroParams, macs });
  });
  const sum = (key: 'params' | 'nonZeroParams' | 'macs') => layers.reduce((acc, l) => acc + l[key], 0);
  return withDeprecatedFlops({ params: sum('params'), nonZeroParams: sum('nonZeroParams'), macs: sum('macs'), layers });
}
