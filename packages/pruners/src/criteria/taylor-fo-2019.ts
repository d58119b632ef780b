import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import { CALIBRATION_OPTIONS, OPTIONS, type CalibrationOptions, type Criterion, type CriterionContext, type PruningGroup } from '@prunebench/core';
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
 * those pruning iterations: s ← m·s + (1−m)·s_new — while the group keeps its width (a group
 * the last step narrowed starts again: a criterion does not see which channels were kept). The
 * paper's procedure, with momentum carried per channel through narrowing, is the
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
    const key = `${group.producers.join('+')}:${group.channels}`;
    const previous = this.averaged.get(key);
    const m = this.options.momentum;
    const score = previous ? fresh.map((v, k) => m * previous[k] + (1 - m) * v) : fresh;
    this.averaged.set(key, score);
    return score;
  }
}
