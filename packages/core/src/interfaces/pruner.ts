import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ComponentClass } from './component';
import type { Dataset } from './dataset';
import type { Ledger } from './ledger';

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

export interface PruneContext {
  /** Data for criteria that need it (the train split). */
  dataset?: Dataset;
  seed: number;
  ledger: Ledger;
}

/** A weight mask: 1 keeps, 0 prunes; keyed by the weight variable's name. */
export type WeightMasks = Map<string, Float32Array>;

export interface PruneResult {
  model: LayersModel;
  /** Unstructured pruners: masks the trainer re-applies after every optimizer step. */
  masks?: WeightMasks;
}

export interface Pruner {
  readonly requirements: PrunerRequirements;
  prune(model: LayersModel, context: PruneContext): Promise<PruneResult>;
}

export type PrunerClass = ComponentClass<Pruner>;
