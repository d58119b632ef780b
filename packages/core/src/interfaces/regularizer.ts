import type { Scalar } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ComponentClass } from './component';
import type { ChannelGraph } from '../graph/types';

/** What a regularizer sees while the original is trained with its penalty before pruning. */
export interface RegularizerContext {
  /** The model being trained (a copy of the original): read its weights, never assign them. */
  model: LayersModel;
  /** Its channel graph: `graph.groups` are the filter groups a group penalty sums over. */
  graph: ChannelGraph;
  /** Channels each prunable group keeps under the pruner's plan, allocated on the original (group id → count). */
  keep: ReadonlyMap<number, number>;
  /** Optimizer steps of the sparsity training in all. */
  totalSteps: number;
}

/**
 * A sparsity regularizer (network slimming, group lasso, growing regularization): a penalty
 * added to the loss while the original is trained further, before a criterion prunes it. The
 * structured pruner composes it with a criterion and a plan —
 * `{ "use": "bn-scale", "plan": { "use": "global", "ratio": 0.5 }, "regularizer": "slimming" }` —
 * and runs the training (its `sparsityTraining` option), which the harness meters as the
 * pruner's cost.
 */
export interface Regularizer {
  /** Once, before the first step (growing regularization picks the filters it penalises here). */
  prepare?(context: RegularizerContext): void | Promise<void>;
  /**
   * The penalty R(θ) at optimizer step `step` (0-based), a scalar ≥ 0 added to the loss; a
   * penalty that grows as training goes (growing regularization) reads `step`. Called
   * inside the gradient tape: build it from the model's weight variables (`weight.read()`) with
   * tfjs ops, so its gradient reaches them.
   */
  penalty(context: RegularizerContext, step: number): Scalar;
}

export type RegularizerClass = ComponentClass<Regularizer>;
