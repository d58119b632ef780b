import { inject, injectable } from 'tsyringe';
import { OPTIONS, UsageError, type JsonSchema, type Plan, type PlanInput } from '@prunebench/core';
import { candidateGroups, layersOptionSchema, roundKeptCounts, roundToOptionSchema } from './plan-targets';
import { allocateToTarget, targetOptionSchema, type CompressionTarget } from './compression-target';

export interface GlobalPlanOptions {
  /** Fraction of all covered channels removed (or give `target`). */
  ratio?: number;
  /** A compression target the ratio is searched for, instead of `ratio`. */
  target?: CompressionTarget;
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
      target: targetOptionSchema,
      minChannels: { type: 'integer', minimum: 1, default: 1, description: 'fewest channels a layer keeps' },
      minRatio: { type: 'number', minimum: 0, maximum: 1, default: 0.1, description: 'smallest fraction a layer keeps' },
      layers: layersOptionSchema,
      normalize: { enum: ['none', 'max', 'l2'], default: 'none', description: 'per-layer score normalisation before ranking' },
      roundTo: roundToOptionSchema,
    },
    oneOf: [{ required: ['ratio'] }, { required: ['target'] }],
    additionalProperties: false,
  };

  readonly needsScores = true;

  constructor(@inject(OPTIONS) private readonly options: GlobalPlanOptions) {}

  allocate({ graph, scores, model }: PlanInput): Map<number, number> {
    const { whole, order } = this.removalOrder(graph, scores);
    const afterRemoving = (removals: readonly number[]) => {
      const keep = new Map(whole);
      for (const group of removals) keep.set(group, keep.get(group)! - 1);
      return roundKeptCounts(graph, keep, this.options.roundTo);
    };
    const { target } = this.options;
    if (!target) {
      const total = [...whole.values()].reduce((a, b) => a + b, 0);
      return afterRemoving(order.slice(0, Math.floor((this.options.ratio ?? 0) * total + 1e-9)));
    }
    return allocateToTarget(GlobalPlan.id, target, model, graph, {
      steps: order.length,
      allocate: (step) => afterRemoving(order.slice(0, step)),
      // Past the last step under the target, the next channels in rank order that do not overshoot it.
      fill: (step, fits, reached) => {
        const taken = order.slice(0, step);
        let counts = afterRemoving(taken);
        for (const group of order.slice(step)) {
          if (reached(counts)) break;
          const next = afterRemoving([...taken, group]);
          if (!fits(next)) continue;
          taken.push(group);
          counts = next;
        }
        return counts;
      },
    });
  }

  /**
   * Every covered group at full width, and the groups of the channels global removes, in the
   * order it removes them: lowest score first, skipping a group once it is at its minimum.
   */
  private removalOrder(graph: PlanInput['graph'], scores: PlanInput['scores']): { whole: Map<number, number>; order: number[] } {
    const { minChannels = 1, minRatio = 0.1, layers = 'conv', normalize = 'none' } = this.options;
    if (!scores) throw new UsageError('plan "global" ranks channels by the criterion\'s scores, but none were given');
    const groups = candidateGroups(graph, layers);
    const candidates: Array<{ group: number; index: number; score: number }> = [];
    const whole = new Map<number, number>();
    const floor = new Map<number, number>();
    for (const group of groups) {
      const values = scores.get(group.id);
      if (!values || values.length !== group.channels) {
        throw new UsageError(`plan "global": the criterion gave no scores for group ${group.id} (${group.producers.join(', ')})`);
      }
      const scale = normalization(values, normalize);
      values.forEach((score, index) => candidates.push({ group: group.id, index, score: score / scale }));
      whole.set(group.id, group.channels);
      floor.set(group.id, Math.min(group.channels, Math.max(minChannels, Math.ceil(minRatio * group.channels - 1e-9))));
    }
    // Lowest score first; ties by group then channel, so the result is deterministic.
    candidates.sort((a, b) => a.score - b.score || a.group - b.group || a.index - b.index);
    const left = new Map(whole);
    const order: number[] = [];
    for (const { group } of candidates) {
      if (left.get(group)! <= floor.get(group)!) continue;
      left.set(group, left.get(group)! - 1);
      order.push(group);
    }
    return { whole, order };
  }
}

function normalization(values: Float32Array, mode: 'none' | 'max' | 'l2'): number {
  if (mode === 'none') return 1;
  let norm = 0;
  for (const v of values) norm = mode === 'max' ? Math.max(norm, Math.abs(v)) : norm + v * v;
  if (mode === 'l2') norm = Math.sqrt(norm);
  return norm > 0 ? norm : 1;
}
