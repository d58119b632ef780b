import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Batch } from './dataset';
import type { PruningGroup } from '../graph/types';
import type { Rng } from '../util/rng';

/** Where a group's activation is read: a layer's output, the group's first channel in it. */
export interface ActivationTap {
  layer: string;
  offset: number;
}

/**
 * `before-bn`: the producers' outputs (conv / dense), offset 0. `after-bn`: the outputs of the
 * group's BatchNorms (at the group's offset), or the producers' when it has none.
 */
export type TapPoint = 'before-bn' | 'after-bn';

export interface ForwardOptions {
  /**
   * Training-mode forward: BatchNorm normalises with batch statistics and dropout drops; the
   * BN moving mean and variance are restored afterwards, so the model is left as it was.
   */
  training?: boolean;
}

export interface GradientOptions extends ForwardOptions {
  /** How the loss combines the examples: `sum` (each example's own ∂L_n/∂a) or `mean` (PyTorch's default). */
  reduction?: 'sum' | 'mean';
}

/** Activations of tapped layers and the loss's gradients with respect to them; the caller disposes both. */
export interface ActivationGradients {
  activations: Map<string, Tensor>;
  gradients: Map<string, Tensor>;
}

/**
 * The helpers a criterion needs, made by `createPruneContext` from the run's dataset, seed and
 * ledger. Data comes only through that dataset, so a harness that passes a metered view of it
 * meters everything drawn here.
 */
export interface PruneHelpers {
  /**
   * `batches` seeded, shuffled, un-augmented batches of `batchSize` from the train split. Each
   * is disposed when the loop moves on (keep nothing of it), and charged to the ledger as one
   * extra forward pass per example. Throws a UsageError when there is no dataset or no batch.
   */
  calibrationBatches(options: { batches: number; batchSize: number }): AsyncGenerator<Batch>;
  /** Where to read a group's activation (one tap per distinct layer and offset). */
  taps(group: PruningGroup, at: TapPoint): ActivationTap[];
  /** The outputs of `layers` on `x` (the caller disposes them). */
  activations(model: LayersModel, x: Tensor, layers: readonly string[], options?: ForwardOptions): Map<string, Tensor>;
  /**
   * The loss on `batch` (softmax cross-entropy on logits, or on a softmax output) and its
   * gradients with respect to the outputs of `layers`. Charges one extra backward pass per example.
   */
  activationGradients(model: LayersModel, batch: Batch, layers: readonly string[], options?: GradientOptions): ActivationGradients;
  /** A random stream of the run's seed, independent per label (e.g. per group). */
  rng(...labels: Array<string | number>): Rng;
}

/** The options of a criterion that reads calibration batches. */
export interface CalibrationOptions {
  batches: number;
  batchSize: number;
}

/** JSON-schema properties of `CalibrationOptions`, with defaults (4 batches of 32): spread them into an options schema. */
export const CALIBRATION_OPTIONS = {
  batches: { type: 'integer', minimum: 1, default: 4, description: 'calibration batches from the train split' },
  batchSize: { type: 'integer', minimum: 1, default: 32, description: 'examples per calibration batch' },
} as const;
