import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ComponentClass } from './component';
import type { Dataset } from './dataset';
import type { Ledger } from './ledger';
import type { ChannelGraph, KeptChannels } from '../graph/types';
import type { PruneHelpers } from './prune-helpers';

/** What a pruner needs, so the harness can check compatibility and charge the ledger. */
export interface PrunerRequirements {
  /** Removes whole channels (a physically smaller model) rather than masking weights. */
  structured: boolean;
  /** Looks at data (calibration batches). */
  needsData: boolean;
  /** Needs gradients of the loss. */
  needsGradients: boolean;
  /** Trains the network itself (e.g. sparsity regularisation) before pruning. */
  trainsItself: boolean;
}

/** What a pruner is given: make one with `createPruneContext` (the harness does). */
export interface PruneContext {
  /** Data for criteria that need it (the train split); read it through `helpers`. */
  dataset?: Dataset;
  seed: number;
  ledger: Ledger;
  /** Calibration batches, activation taps and gradients over `dataset`, charged to `ledger`. */
  helpers: PruneHelpers;
  /**
   * The plan of a structured pruner. Normally a pruner builds it from its own `plan` option
   * (`{ "use": "l1", "plan": "pfec-a" }`); a plan given here takes precedence.
   */
  plan?: Plan;
}

/**
 * A weight mask: 1 keeps, 0 prunes, one entry per weight in the variable's row-major order;
 * keyed by the variable's `originalName` (`<layer name>/<weight>`, e.g. `conv3/kernel`), which
 * survives cloning and save/load, unlike the uniquified `name`.
 */
export type WeightMasks = Map<string, Float32Array>;

/** Channels kept by one group, for reports (`prunebench inspect`). */
export interface GroupPruning {
  group: number;
  /** Producer layers of the group (one, or several tied by a residual merge). */
  layers: string[];
  /** Stable conv indices of those producers (stem = 1). */
  convIndices: number[];
  kept: number;
  total: number;
}

export interface PruneResult {
  /** The pruned model: a new model; the one given to `prune` is left unchanged. */
  model: LayersModel;
  /** Unstructured pruners: masks the trainer re-applies after every optimizer step. */
  masks?: WeightMasks;
  /** Structured pruners: the channels each pruned group kept (groups not listed kept all). */
  keptChannels?: KeptChannels;
  /** Structured pruners: kept / total channels of every prunable group, in group order. */
  groups?: GroupPruning[];
}

export interface Pruner {
  readonly requirements: PrunerRequirements;
  prune(model: LayersModel, context: PruneContext): Promise<PruneResult>;
}

export type PrunerClass = ComponentClass<Pruner>;

/** What a plan sees: the model's channel graph and, when it asks, the criterion's scores. */
export interface PlanInput {
  graph: ChannelGraph;
  /**
   * Per prunable group id, one score per channel (higher = more important). Present only when
   * the plan sets `needsScores` (e.g. `global`, which ranks every group's channels together).
   */
  scores?: ReadonlyMap<number, Float32Array>;
  /**
   * The model being pruned (unchanged), so a plan aiming at a compression target (a fraction of
   * MACs or params removed) can count what its kept counts would cost. The structured pruners pass it.
   */
  model?: LayersModel;
}

/**
 * How many channels each group keeps (the criterion then says which). A plan refuses a model it
 * does not fit (e.g. `pfec-a` on resnet20) with a UsageError that says why.
 */
export interface Plan {
  /** The plan ranks channels across groups, so the pruner must score every prunable group first. */
  readonly needsScores?: boolean;
  /** Kept channel counts per group id (1 ≤ keep ≤ channels); groups not listed keep all. */
  allocate(input: PlanInput): Map<number, number>;
}

export type PlanClass = ComponentClass<Plan>;
