import { inject, injectable } from 'tsyringe';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { cloneModel, applyWeightMasks, COMPONENTS, OPTIONS, UsageError, checkScores, splitComponentRef, type ComponentEntryRef, type ComponentFactory, type JsonSchema, type PruneContext, type PruneResult, type Pruner, type PrunerRequirements, type WeightMasks, type WeightScore } from '@prunebench/core';
import { componentEntrySchema } from '../util/entry-schema';
import { kernelWeights } from '../util/layers';

export interface MaskPrunerOptions {
  /** The weight score: an id (`"magnitude"`) or `{ "use": id, ...options }`. */
  score: ComponentEntryRef;
  /** Fraction of the covered weights set to zero, 0 – 0.99. */
  sparsity: number;
  /** `global`: one ranking over all covered weights (the spec's default); `layer`: the same sparsity in each layer. */
  scope: 'global' | 'layer';
  /** Cover dense kernels too (the spec excludes them). */
  includeDense: boolean;
}

/**
 * The one unstructured pruner: a weight score × sparsity. Masks the lowest-scored conv weights
 * (dense optional) of a copy of the model; the trainer keeps them zero. A config names the
 * score directly: `{ "use": "magnitude", "sparsity": 0.8 }`.
 */
@injectable()
export class MaskPruner implements Pruner {
  static readonly id = 'mask';
  static readonly description = 'weight-level: a weight score (magnitude, random-weights, ...) at a sparsity; configs name the score directly';
  static readonly optionsSchema: JsonSchema = {
    type: 'object',
    properties: {
      score: componentEntrySchema('weight score', '"magnitude"'),
      sparsity: { type: 'number', minimum: 0, maximum: 0.99, description: 'fraction of the covered weights pruned' },
      scope: { enum: ['global', 'layer'], default: 'global', description: 'one threshold over all layers, or per layer' },
      includeDense: { type: 'boolean', default: false, description: 'also prune dense kernels' },
    },
    required: ['score', 'sparsity'],
    additionalProperties: false,
  };

  readonly requirements: PrunerRequirements;
  private readonly weightScore: WeightScore;
  private readonly scoreId: string;

  constructor(@inject(OPTIONS) private readonly options: MaskPrunerOptions, @inject(COMPONENTS) components: ComponentFactory) {
    this.scoreId = splitComponentRef(options.score).id;
    this.weightScore = components.create<WeightScore>('weight-score', options.score, 'score');
    const needs = this.weightScore.requirements;
    this.requirements = { structured: false, needsData: needs.needsData || needs.needsGradients, needsGradients: needs.needsGradients, trainsItself: false };
  }

  async prune(model: LayersModel, context: PruneContext): Promise<PruneResult> {
    const { includeDense, sparsity, scope } = this.options;
    const covered = kernelWeights(model, { includeDense });
    if (covered.length === 0) throw new UsageError(`model "${model.name}" has no conv${includeDense ? ' or dense' : ''} kernels to prune`);
    const scoreContext = { model, seed: context.seed, helpers: context.helpers };
    const scores: Float32Array[] = [];
    for (const { variable, key } of covered) {
      const size = (variable.shape as number[]).reduce((a, b) => a * b, 1);
      scores.push(checkScores(await this.weightScore.score(variable, key, scoreContext), size, `weight score "${this.scoreId}" for "${key}"`));
    }
    const masks: WeightMasks = new Map(covered.map(({ key }, i) => [key, new Float32Array(scores[i].length).fill(1)]));
    if (scope === 'layer') {
      covered.forEach(({ key }, i) => lowest(scores[i], Math.floor(sparsity * scores[i].length)).forEach((index) => (masks.get(key)![index] = 0)));
    } else {
      const offsets: number[] = [];
      let total = 0;
      for (const s of scores) (offsets.push(total), (total += s.length));
      const all = new Float32Array(total);
      scores.forEach((s, i) => all.set(s, offsets[i]));
      for (const index of lowest(all, Math.floor(sparsity * total))) {
        // The layer holding `index`: the last offset ≤ index (few layers, so a linear scan is fine).
        let layer = offsets.length - 1;
        while (offsets[layer] > index) layer--;
        masks.get(covered[layer].key)![index - offsets[layer]] = 0;
      }
    }
    const pruned = await cloneModel(model);
    applyWeightMasks(pruned, masks);
    return { model: pruned, masks };
  }
}

/**
 * The `count` indices of lowest score; among equal scores at the threshold the lower indices
 * go first, so exactly `count` weights are pruned and the choice is deterministic.
 */
export function lowest(scores: Float32Array, count: number): Int32Array {
  const chosen = new Int32Array(count);
  if (count === 0) return chosen;
  const threshold = Float32Array.from(scores).sort()[count - 1];
  let n = 0;
  for (let i = 0; i < scores.length && n < count; i++) if (scores[i] < threshold) chosen[n++] = i;
  for (let i = 0; i < scores.length && n < count; i++) if (scores[i] === threshold) chosen[n++] = i;
  return chosen;
}
