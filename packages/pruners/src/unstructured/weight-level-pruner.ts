import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { JsonSchema, PruneContext, PruneResult, Pruner, PrunerRequirements, WeightMasks } from '@prunebench/core';
import { cloneModel } from '../util/clone-model';
import { kernelWeights, type KernelWeight } from '../util/layers';
import { applyWeightMasks } from '../util/masks';

/** Options shared by the weight-level pruners. */
export interface WeightLevelOptions {
  /** Fraction of the covered weights set to zero, 0 – 0.99. */
  sparsity: number;
  /** `global`: one ranking over all covered weights (the spec's default); `layer`: the same sparsity in each layer. */
  scope: 'global' | 'layer';
  /** Cover dense kernels too (the spec excludes them). */
  includeDense: boolean;
}

export const weightLevelOptionsSchema: JsonSchema = {
  type: 'object',
  properties: {
    sparsity: { type: 'number', minimum: 0, maximum: 0.99, description: 'fraction of the covered weights pruned' },
    scope: { enum: ['global', 'layer'], default: 'global', description: 'one threshold over all layers, or per layer' },
    includeDense: { type: 'boolean', default: false, description: 'also prune dense kernels' },
  },
  required: ['sparsity'],
  additionalProperties: false,
};

/**
 * Picks which of `values.length` weights to prune: returns exactly `count` distinct indices.
 * `values` are the weights of one scope (all layers concatenated, or one layer).
 */
export type WeightChooser = (values: Float32Array, count: number, scopeLabel: string) => Int32Array;

/**
 * Weight-level pruning: masks over conv kernels (dense optional), applied to a copy of the
 * model. Subclasses only decide which weights go.
 */
export abstract class WeightLevelPruner implements Pruner {
  readonly requirements: PrunerRequirements = {
    structured: false,
    needsData: false,
    needsGradients: false,
    trainsItself: false,
  };

  constructor(protected readonly options: WeightLevelOptions) {}

  protected abstract chooser(context: PruneContext): WeightChooser;

  async prune(model: LayersModel, context: PruneContext): Promise<PruneResult> {
    const covered = kernelWeights(model, { includeDense: this.options.includeDense });
    if (covered.length === 0) {
      throw new Error(`model "${model.name}" has no conv${this.options.includeDense ? ' or dense' : ''} kernels to prune`);
    }
    const masks = computeMasks(covered, this.options.sparsity, this.options.scope, this.chooser(context));
    const pruned = await cloneModel(model);
    applyWeightMasks(pruned, masks);
    return { model: pruned, masks };
  }
}

function computeMasks(
  covered: KernelWeight[],
  sparsity: number,
  scope: 'global' | 'layer',
  choose: WeightChooser,
): WeightMasks {
  const values = covered.map(({ variable }) => {
    const data = variable.read().dataSync() as Float32Array;
    return Float32Array.from(data);
  });
  const masks: WeightMasks = new Map();
  covered.forEach(({ key }, i) => masks.set(key, new Float32Array(values[i].length).fill(1)));
  if (scope === 'layer') {
    covered.forEach(({ key }, i) => {
      const count = Math.floor(sparsity * values[i].length);
      const mask = masks.get(key)!;
      for (const index of choose(values[i], count, key)) mask[index] = 0;
    });
    return masks;
  }
  const total = values.reduce((n, v) => n + v.length, 0);
  const all = new Float32Array(total);
  const offsets: number[] = [];
  let offset = 0;
  for (const v of values) {
    offsets.push(offset);
    all.set(v, offset);
    offset += v.length;
  }
  const count = Math.floor(sparsity * total);
  for (const index of choose(all, count, 'all conv kernels')) {
    // The layer holding `index`: the last offset ≤ index (few layers, so a linear scan is fine).
    let layer = offsets.length - 1;
    while (offsets[layer] > index) layer--;
    masks.get(covered[layer].key)![index - offsets[layer]] = 0;
  }
  return masks;
}

