import type { ComponentClass } from './component';

/**
 * The original recipe: how the unpruned network was trained. Retraining schedules (`Schedule`)
 * are derived from it (docs/spec/schedules.md), never hard-coded to one recipe.
 */
export interface OriginalRecipe {
  /** Length of the original training, in epochs. */
  epochs: number;
  /** Base (first) learning rate. */
  lr: number;
  /** Epochs at which the LR is multiplied by `gamma`. */
  milestones: number[];
  gamma: number;
  /** Optional warm-up at the start of the original training, in epochs. */
  warmupEpochs?: number;
  /** SGD momentum of the original training (0.9 when omitted). */
  momentum?: number;
  /** Coupled weight decay (added to the gradient, as PyTorch's SGD does). */
  weightDecay?: number;
  /** Mini-batch size of the original training. */
  batchSize?: number;
  /** Nesterov momentum (the reference recipes use plain momentum). */
  nesterov?: boolean;
  /**
   * SLR's milestones as fractions f of the retraining budget E (each at floor(f × E)), where the
   * recipe's reference code fixes them instead of scaling the milestones: the `imagenet` preset's
   * [0.297, 0.594] (Le & Hua's code). Omitted: the original milestones scaled by 0.9 × E / epochs.
   */
  slrMilestoneFractions?: number[];
  /**
   * The most Scratch-B may stretch this recipe (× epochs) however large the FLOPs ratio: the
   * `imagenet` preset's 2 (Liu et al., ICLR 2019: at most 180 epochs). Omitted: no cap.
   */
  scratchBMaxFactor?: number;
}

/** A retraining budget: E epochs of S optimizer steps, so E * S steps in all. */
export interface Budget {
  epochs: number;
  stepsPerEpoch: number;
}

/** What the optimizer uses at one step. */
export interface StepHyperparameters {
  lr: number;
  momentum: number;
}

/**
 * A retraining schedule: a pure function of the original schedule and the budget (same input,
 * same output). Stepped per epoch or per optimizer step, it always returns exactly E*S entries.
 */
export interface Schedule {
  /** LR and momentum for every optimizer step `0 .. E*S-1` (exactly E*S entries). */
  compute(original: OriginalRecipe, budget: Budget): StepHyperparameters[];
}

export type ScheduleClass = ComponentClass<Schedule>;
