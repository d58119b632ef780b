import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import { CALIBRATION_OPTIONS, OPTIONS, type CalibrationOptions, type ChannelGraph, type Criterion, type CriterionContext, type PruningGroup } from '@prunebench/core';
import { gradientStatistics, groupStatistic, spatialAxes } from './gradient-statistics';

export interface TaylorFo2019Options extends CalibrationOptions {
  momentum: number;
}

/**
 * Taylor-FO on a gate after BatchNorm (Molchanov et al., CVPR 2019, "Importance Estimation for
 * Neural Network Pruning", as the reference code's method 22): a gate of ones multiplies each
 * channel after its BN, so ∂L/∂gate = Σ_{n,spatial} a · ∂L/∂a with L the batch-mean loss; a
 * channel's score is (∂L/∂gate)² averaged over the calibration batches, and, when the same
 * criterion scores the same group again (iterative pruning), averaged with `momentum` over
 * those pruning iterations: s ← m·s + (1−m)·s_new, per channel by identity: told which channels a
 * pruning kept (`channelsKept`), it carries each kept channel's average to its place in the
 * narrowed model. A group whose width no longer matches (another model) starts again. The paper's
 * whole procedure (N channels every M training steps, ranked globally) is the
 * `taylor-fo-iterative` pruner.
 */
@injectable()
export class TaylorFo2019Criterion implements Criterion {
  static readonly id = 'taylor-fo-2019';
  static readonly description = 'Taylor-FO on a gate after BN: squared batch gradients, momentum over iterations (Molchanov et al. 2019)';
  static readonly optionsSchema = {
    type: 'object',
    properties: { ...CALIBRATION_OPTIONS, momentum: { type: 'number', minimum: 0, maximum: 1, exclusiveMaximum: 1, default: 0.9, description: 'momentum over pruning iterations' } },
    additionalProperties: false,
  };
  readonly requirements = { needsData: true, needsGradients: true };
  /** The momentum average per group (keyed by its producers), one entry per channel of the model last scored. */
  private readonly averaged = new Map<string, Float32Array>();
  private current = new Map<string, Float64Array>();
  private batches = 0;

  constructor(@inject(OPTIONS) private readonly options: TaylorFo2019Options) {}

  async prepare(groups: readonly PruningGroup[], context: CriterionContext) {
    const statistics = await gradientStatistics(groups, context, this.options, { reduction: 'mean' }, (a, g) => {
      const product = tf.mul(a, g);
      return tf.square(tf.sum(product, [0, ...spatialAxes(product)]));
    });
    this.current = statistics.sums;
    this.batches = statistics.batches;
  }

  score(group: PruningGroup, context: CriterionContext) {
    const fresh = groupStatistic(group, context, this.current, this.batches);
    const key = group.producers.join('+');
    const previous = this.averaged.get(key);
    const m = this.options.momentum;
    const score = previous && previous.length === fresh.length ? fresh.map((v, k) => m * previous[k] + (1 - m) * v) : fresh;
    this.averaged.set(key, score);
    return score;
  }

  channelsKept(kept: ReadonlyMap<number, readonly number[]>, graph: ChannelGraph): void {
    for (const [id, channels] of kept) {
      const key = graph.groups[id].producers.join('+');
      const average = this.averaged.get(key);
      if (average) this.averaged.set(key, Float32Array.from(channels, (k) => average[k]));
    }
  }
}
