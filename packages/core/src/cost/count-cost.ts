import type { LayersModel } from '@tensorflow/tfjs-layers';
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

/** Layer classes whose MACs are (kernel size) × (output positions). */
const KERNEL_FLOP_CLASSES = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense']);
const KERNEL_WEIGHTS = new Set(['kernel', 'depthwise_kernel', 'pointwise_kernel']);

function product(values: ReadonlyArray<number | null>): number {
  return values.reduce<number>((acc, v) => acc * (v ?? 1), 1);
}

function shapeWithoutBatch(shape: unknown): Array<number | null> {
  if (!Array.isArray(shape) || shape.length === 0) return [];
  if (Array.isArray(shape[0])) return (shape[0] as Array<number | null>).slice(1);
  return (shape as Array<number | null>).slice(1);
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
    let macs = 0;
    for (const weight of layer.weights) {
      const suffix = weight.originalName.slice(weight.originalName.lastIndexOf('/') + 1);
      if (!KERNEL_WEIGHTS.has(suffix)) continue;
      if (KERNEL_FLOP_CLASSES.has(className)) {
        macs += product(weight.shape) * product(outputShape.slice(0, -1));
      } else if (className === 'Conv2DTranspose') {
        const inbound = (layer as unknown as { inboundNodes: Array<{ inputShapes: unknown }> }).inboundNodes[0];
        macs += product(weight.shape) * product(shapeWithoutBatch(inbound?.inputShapes).slice(0, -1));
      }
    }
    return withDeprecatedFlops({ name: layer.name, className, outputShape, params, nonZeroParams, macs });
  });
  const sum = (key: 'params' | 'nonZeroParams' | 'macs') => layers.reduce((acc, l) => acc + l[key], 0);
  return withDeprecatedFlops({ params: sum('params'), nonZeroParams: sum('nonZeroParams'), macs: sum('macs'), layers });
}
