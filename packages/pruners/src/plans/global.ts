import { inject, injectable } from 'tsyringe';
import { OPTIONS, UsageError, type JsonSchema, type Plan, type PlanInput } from '@prunebench/core';
import { candidateGroups, layersOptionSchema, roundKeptCounts, roundToOptionSchema } from './plan-targets';

export interface GlobalPlanOptions {
  /** Fraction of all covered channels removed. */
  ratio: number;
  /** Fewest channels a group keeps. */
  minChannels: number;
  /** Smallest fraction of its channels a group keeps (the larger of the two minimums applies). */
  minRatio: number;
  layers: 'conv' | 'all';
  /**
   * Make scores comparable across layers first: `none` ranks raw scores (network slimming with
   * bn-scale), `max` divides each layer's scores by their maximum, `l2` by their Euclidean norm
   * (Molchanov et al.'s layer normalisation).
   */
  normalize: 'none' | 'max' | 'l2';
  /** Kept counts rounded up to a multiple of this after the ranking (default 1: unrounded). */
  roundTo?: number;
}

/**
 * Ranks every covered channel of every group together by the criterion and removes the lowest
 * `ratio` of them, never taking a group below its minimum.
 */
@injectable()
export class GlobalPlan implements Plan {
  static readonly id = 'global';
  static readonly description = 'rank all layers\' channels together by the criterion, with a minimum kept per layer';
  static readonly optionsSchema: JsonSchema = {
    type: 'object',
    properties: {
      ratio: { type: 'number', minimum: 0, exclusiveMaximum: 1, description: 'fraction of all channels removed' },
      minChannels: { type: 'integer', minimum: 1, default: 1, description: 'fewest channels a layer keeps' },
      minRatio: { type: 'number', minimum: 0, maximum: 1, default: 0.1, description: 'smallest fraction a layer keeps' },
      layers: layersOptionSchema,
      normalize: { enum: ['none', 'max', 'l2'], default: 'none', description: 'per-layer score normalisation before ranking' },
      roundTo: roundToOptionSchema,
    },
    required: ['ratio'],
    additionalProperties: false,
  };

  readonly needsScores = true;

  constructor(@inject(OPTIONS) private readonly options: GlobalPlanOptions) {}

  allocate({ graph, scores }: PlanInput): Map<number, number> {
    const { ratio, minChannels = 1, minRatio = 0.1, layers = 'conv', normalize = 'none' } = this.options;
    if (!scores) throw new UsageError('plan "global" ranks channels by the criterion\'s scores, but none were given');
    const groups = candidateGroups(graph, layers);
    const candidates: Array<{ group: number; index: number; score: number }> = [];
    let total = 0;
    const keep = new Map<number, number>();
    const floor = new Map<number, number>();
    for (const group of groups) {
      const values = scores.get(group.id);
      if (!values || values.length !== group.channels) {
        throw new UsageError(`plan "global": the criterion gave no scores for group ${group.id} (${group.producers.join(', ')})`);
      }
      const scale = normalization(values, normalize);
      values.forEach((score, index) => candidates.push({ group: group.id, index, score: score / scale }));
      total += group.channels;
      keep.set(group.id, group.channels);
      floor.set(group.id, Math.min(group.channels, Math.max(minChannels, Math.ceil(minRatio * group.channels - 1e-9))));
    }
    // Lowest score first; ties by group then channel, so the result is deterministic.
    candidates.sort((a, b) => a.score - b.score || a.group - b.group || a.index - b.index);
    let toRemove = Math.floor(ratio * total + 1e-9);
    for (const { group } of candidates) {
      if (toRemove === 0) break;
      const left = keep.get(group)!;
      if (left <= floor.get(group)!) continue;
      keep.set(group, left - 1);
      toRemove--;
    }
    return roundKeptCounts(graph, keep, this.options.roundTo);
  }
}

function normalization(values: Float32Array, mode: 'none' | 'max' | 'l2'): number {
  if (mode === 'none') return 1;
  let norm = 0;
  for (const v of values) norm = mode === 'max' ? Math.max(norm, Math.abs(v)) : norm + v * v;
  if (mode === 'l2') norm = Math.sqrt(norm);
  return norm > 0 ? norm : 1;
}
