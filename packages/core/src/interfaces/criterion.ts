import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ComponentClass } from './component';
import type { Ledger } from './ledger';
import type { PruneHelpers } from './prune-helpers';
import type { ChannelGraph, PruningGroup } from '../graph/types';

/** What a criterion reads besides the weights, so the harness can check and charge it. */
export interface CriterionRequirements {
  /** Reads calibration batches (through `context.helpers`). */
  needsData: boolean;
  /** Back-propagates on them (implies `needsData`). */
  needsGradients: boolean;
}

/** Everything a criterion is given while it scores one model. */
export interface CriterionContext {
  /** The model being pruned (read it; never change it). */
  model: LayersModel;
  /** Its channel graph: `graph.groups` are what `score` is asked about. */
  graph: ChannelGraph;
  /** The run's seed (derive streams with `helpers.rng(...)`). */
  seed: number;
  /** The run's ledger (the helpers charge it; charge it yourself only for passes of your own). */
  ledger: Ledger;
  /** Calibration batches, activation taps and gradients, drawn through the run's dataset. */
  helpers: PruneHelpers;
}

/**
 * A structured criterion: scores the channels of a pruning group (higher = more important).
 * One structured pruner composes it with a plan (how many channels each group keeps), so a
 * config writes `{ "use": "l1", "plan": "pfec-a" }`. `score` must return exactly
 * `group.channels` finite numbers; the pruner checks that once for every criterion.
 */
export interface Criterion {
  readonly requirements: CriterionRequirements;
  /**
   * Called once, before any `score`, with every group that will be scored: a data-driven
   * criterion makes its one pass over the calibration batches here and keeps what it needs.
   */
  prepare?(groups: readonly PruningGroup[], context: CriterionContext): Promise<void>;
  score(group: PruningGroup, context: CriterionContext): Float32Array | Promise<Float32Array>;
  /**
   * Told which channels each pruned group kept (group id → kept indices of the scored model), so
   * a criterion that keeps state across prunings (importance with momentum) can carry it to the
   * narrowed model by channel identity. Groups not listed kept every channel.
   */
  channelsKept?(kept: ReadonlyMap<number, readonly number[]>, graph: ChannelGraph): void;
}

export type CriterionClass = ComponentClass<Criterion>;
