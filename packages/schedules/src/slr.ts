import { inject, injectable } from 'tsyringe';
import {
  OPTIONS,
  expandPerEpoch,
  originalLrSummary,
  originalMomentum,
  type Budget,
  type OriginalRecipe,
  type Schedule,
  type StepHyperparameters,
} from '@prunebench/core';

export interface ScaledLrRestartingOptions {
  /** Fraction of the budget spent warming up: W = floor(warmupFraction * E). Default 0.1. */
  warmupFraction?: number;
  /**
   * Milestones as fractions of E, `floor(f * E)` each, instead of the original's milestones
   * scaled by `(1 - warmupFraction) * E / T_orig`. `[0.297, 0.594]` reproduces the study's
   * ImageNet code exactly; the `imagenet` original preset states them itself (`slrMilestoneFractions`).
   */
  milestoneFractions?: number[];
}

/**
 * SLR, scaled learning-rate restarting (docs/spec/schedules.md), stepped per epoch: a cosine
 * warm-up over W = floor(0.1 E) epochs from the original's last LR to its base LR, then the
 * original's step shape compressed into the rest: `base * gamma^k`, k = the number of scaled
 * milestones m with `e - W >= m`, where m = floor(m_orig * 0.9 * E / T_orig), or floor(f * E) for
 * the fractions f the recipe fixes (`slrMilestoneFractions`, the `imagenet` preset's 0.297 / 0.594).
 */
@injectable()
export class ScaledLrRestartingSchedule implements Schedule {
  static readonly id = 'slr';
  static readonly description = "scaled LR restarting: cosine warm-up, then the original's shape compressed into the budget";
  static readonly optionsSchema = {
    type: 'object',
    properties: {
      warmupFraction: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.1 },
      milestoneFractions: { type: 'array', items: { type: 'number', exclusiveMinimum: 0, maximum: 1 } },
    },
  };

  constructor(@inject(OPTIONS) readonly options: ScaledLrRestartingOptions) {}

  /** The milestones of a budget, in epochs counted from the end of the warm-up. */
  milestones(original: OriginalRecipe, budget: Budget): number[] {
    const { epochs } = budget;
    const fractions = this.options.milestoneFractions ?? original.slrMilestoneFractions;
    // No tolerance here: the same double product as the reference's int(0.297 * E), floored alike.
    if (fractions) return fractions.map((f) => Math.floor(f * epochs));
    const scale = (1 - this.warmupFraction) * epochs / original.epochs;
    // The scaled values are rationals; the tiny tolerance keeps float noise (71.99999...) from flooring down.
    return original.milestones.map((m) => Math.floor(m * scale + 1e-9));
  }

  /** W, the warm-up length in epochs. */
  warmupEpochs(budget: Budget): number {
    return Math.floor(this.warmupFraction * budget.epochs);
  }

  compute(original: OriginalRecipe, budget: Budget): StepHyperparameters[] {
    const { last: init, base: peak } = originalLrSummary(original);
    const momentum = originalMomentum(original);
    const warmup = this.warmupEpochs(budget);
    const milestones = this.milestones(original, budget);
    return expandPerEpoch(budget, (epoch) => {
      if (epoch < warmup) {
        return { lr: peak + ((init - peak) / 2) * (Math.cos((Math.PI * epoch) / warmup) + 1), momentum };
      }
      let lr = peak;
      for (const m of milestones) if (epoch - warmup >= m) lr *= original.gamma;
      return { lr, momentum };
    });
  }

  private get warmupFraction(): number {
    return this.options.warmupFraction ?? 0.1;
  }
}
