import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { container, inject, injectable } from 'tsyringe';
import {
  OPTIONS,
  REGISTRY,
  UsageError,
  applyChannelSelection,
  buildChannelGraph,
  createComponent,
  splitComponentRef,
  type GroupPruning,
  type JsonSchema,
  type Plan,
  type PruneContext,
  type PruneResult,
  type Pruner,
  type PrunerRequirements,
  type PruningGroup,
  type Registry,
} from '@prunebench/core';
import { featureMapTaps, sumFeatureMapRanks } from './feature-maps';

/** A plan as a config names it: `"pfec-a"` or `{ "use": "uniform", "ratio": 0.5 }`. */
export type PlanEntry = string | { use: string; [key: string]: unknown };

export interface HRankOptions {
  /** How many filters each layer keeps: any plan of any loaded plugin, by id. */
  plan?: PlanEntry;
  /** Calibration batches drawn from the train split. */
  batches: number;
  batchSize: number;
  /** Relative rank tolerance (default max(h, w) × float32 ε, numpy's rule). */
  tolerance?: number;
}

/**
 * HRank (Lin et al., CVPR 2020, "HRank: Filter Pruning using High-Rank Feature Map"): a filter's
 * importance is the average matrix rank of the feature maps it produces, over calibration
 * examples from the train split; each layer keeps its highest-rank filters. How many filters a
 * layer keeps is the plan's choice. Every calibration example is charged to the ledger as one
 * extra forward pass.
 */
@injectable()
export class HRankPruner implements Pruner {
  static readonly id = 'hrank';
  static readonly description = 'structured: keep the filters whose feature maps have the highest average rank (HRank, Lin et al. 2020)';
  static readonly optionsSchema: JsonSchema = {
    type: 'object',
    properties: {
      plan: {
        description: 'the plan: a plan id ("pfec-a") or { "use": "uniform", "ratio": 0.5 }',
        anyOf: [
          { type: 'string', minLength: 1 },
          { type: 'object', properties: { use: { type: 'string', minLength: 1 } }, required: ['use'] },
        ],
      },
      batches: { type: 'integer', minimum: 1, default: 4, description: 'calibration batches from the train split' },
      batchSize: { type: 'integer', minimum: 1, default: 32, description: 'examples per calibration batch' },
      tolerance: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'relative rank tolerance (default max(h, w) × float32 epsilon)' },
    },
    additionalProperties: false,
  };

  readonly requirements: PrunerRequirements = { structured: true, needsData: true, needsGradients: false, trainsItself: false };
  private readonly plan?: Plan;

  constructor(
    @inject(OPTIONS) private readonly options: HRankOptions,
    @inject(REGISTRY, { isOptional: true }) registry?: Registry,
  ) {
    // The plan is made now, from the registry, so an unknown plan or bad plan options are
    // config errors when the study is set up. Plans only take their options.
    if (options.plan !== undefined && registry) {
      const { id, options: planOptions } = splitComponentRef(options.plan);
      this.plan = createComponent<Plan>(container, registry, 'plan', id, planOptions);
    }
  }

  async prune(model: LayersModel, context: PruneContext): Promise<PruneResult> {
    const plan = context.plan ?? this.plan;
    if (!plan) {
      throw new UsageError('pruner "hrank" needs a plan: e.g. { "use": "hrank", "plan": { "use": "uniform", "ratio": 0.5 } } or "plan": "pfec-a"');
    }
    const graph = buildChannelGraph(model);
    const prunable = graph.groups.filter((g) => g.prunable);
    let scores = plan.needsScores ? await this.rankScores(model, prunable, context) : undefined;
    const counts = plan.allocate({ graph, scores });
    const pruned: PruningGroup[] = [];
    for (const [groupId, keep] of counts) {
      const group = graph.groups[groupId];
      if (!group || !Number.isInteger(keep) || keep < 1 || keep > group.channels) {
        throw new UsageError(`the plan keeps ${keep} channels of group ${groupId}, which the model does not allow`);
      }
      if (keep === group.channels) continue;
      if (!group.prunable) throw new UsageError(`the plan prunes group ${groupId} (${group.producers.join(', ')}), which cannot be pruned: ${group.reasons.join('; ')}`);
      pruned.push(group);
    }
    scores ??= pruned.length ? await this.rankScores(model, pruned, context) : new Map();
    const selection = new Map(pruned.map((g) => [g.id, highestScores(scores!.get(g.id)!, counts.get(g.id)!)]));
    const groups: GroupPruning[] = prunable.map((g) => ({
      group: g.id,
      layers: g.producers,
      convIndices: g.convIndices,
      kept: selection.get(g.id)?.length ?? g.channels,
      total: g.channels,
    }));
    return { model: applyChannelSelection(model, graph, selection), selection, groups };
  }

  /** Average feature-map rank of every channel of `groups`, over the calibration examples. */
  private async rankScores(model: LayersModel, groups: PruningGroup[], context: PruneContext): Promise<Map<number, Float32Array>> {
    const dataset = context.dataset;
    if (!dataset) throw new UsageError('pruner "hrank" needs calibration data: pass the train split as context.dataset');
    const { batches = 4, batchSize = 32, tolerance } = this.options;
    const taps = new Map(groups.map((g) => [g.id, featureMapTaps(model, g)]));
    const layers = [...new Set([...taps.values()].flat().map((t) => t.layer))];
    await dataset.load();
    async function* inputs(): AsyncGenerator<tf.Tensor> {
      let served = 0;
      for await (const batch of dataset!.batches('train', { batchSize, seed: context.seed, epoch: 0, shuffle: true, augment: false })) {
        batch.y.dispose();
        served++;
        try {
          yield batch.x;
          // Charged once the forward pass on it is done.
          context.ledger.charge('extraForwardSamples', batch.x.shape[0]);
        } finally {
          batch.x.dispose();
        }
        // Stop before drawing a batch that would not be used (the harness counts what it serves).
        if (served === batches) return;
      }
    }
    const { sums, examples } = await sumFeatureMapRanks(model, layers, inputs(), tolerance);
    if (examples === 0) throw new UsageError('pruner "hrank": the train split gave no calibration batches');
    const scores = new Map<number, Float32Array>();
    for (const group of groups) {
      const score = new Float32Array(group.channels);
      for (const { layer, offset } of taps.get(group.id)!) {
        const sum = sums.get(layer)!;
        for (let k = 0; k < group.channels; k++) score[k] += sum[offset + k] / examples;
      }
      scores.set(group.id, score);
    }
    return scores;
  }
}

/** Indices of the `keep` highest scores, ascending; ties go to the lower index (so seeds decide nothing here). */
export function highestScores(scores: Float32Array, keep: number): number[] {
  return Array.from(scores.keys())
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, keep)
    .sort((a, b) => a - b);
}
