import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import { CALIBRATION_OPTIONS, OPTIONS, type CalibrationOptions, type Criterion, type CriterionContext, type PruningGroup } from '@prunebench/core';
import { gradientStatistics, groupStatistic, spatialAxes, type TapStatistics } from './gradient-statistics';

/**
 * First-order Taylor, per example (Molchanov et al., ICLR 2017): a channel's importance is
 * |Σ_spatial a · ∂L_n/∂a| of its activation after BatchNorm (else the producer's output), for
 * each example's own loss L_n, averaged over the calibration examples.
 */
@injectable()
export class Taylor2017Criterion implements Criterion {
  static readonly id: string = 'taylor-2017';
  static readonly description: string = 'first-order Taylor |Σ activation × gradient| per example (Molchanov et al. 2017)';
  static readonly optionsSchema = { type: 'object', properties: CALIBRATION_OPTIONS, additionalProperties: false };
  readonly requirements = { needsData: true, needsGradients: true };
  private statistics?: TapStatistics;

  constructor(@inject(OPTIONS) private readonly options: CalibrationOptions) {}

  async prepare(groups: readonly PruningGroup[], context: CriterionContext) {
    // Summed loss: each example's gradient is its own ∂L_n/∂a, not divided by the batch size.
    this.statistics = await gradientStatistics(groups, context, this.options, { reduction: 'sum' }, (a, g) => {
      const product = tf.mul(a, g);
      const axes = spatialAxes(product);
      return tf.sum(tf.abs(axes.length ? tf.sum(product, axes) : product), 0);
    });
  }

  score(group: PruningGroup, context: CriterionContext) {
    return groupStatistic(group, context, this.statistics!.sums, this.statistics!.examples);
  }
}

/** `taylor` is `taylor-2017`, the per-example variant; the study's Taylor is `taylor-fo-2019`. */
@injectable()
export class TaylorAliasCriterion extends Taylor2017Criterion {
  static override readonly id = 'taylor';
  static override readonly description = 'alias of taylor-2017 (Molchanov et al. 2017, per example); the study used taylor-fo-2019';
}
