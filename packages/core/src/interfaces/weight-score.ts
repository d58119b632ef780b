import type { LayerVariable, LayersModel } from '@tensorflow/tfjs-layers';
import type { ComponentClass } from './component';
import type { PruneHelpers } from './prune-helpers';

/** What a weight score is given while it scores one model's weights. */
export interface WeightScoreContext {
  model: LayersModel;
  seed: number;
  helpers: PruneHelpers;
}

/**
 * An unstructured (mask) criterion: one score per weight of a kernel, in the variable's
 * row-major order (higher = more important). One mask pruner composes it with a sparsity and
 * a scope, so a config writes `{ "use": "magnitude", "sparsity": 0.8 }`.
 */
export interface WeightScore {
  readonly requirements: { needsData: boolean; needsGradients: boolean };
  /** `key` is the variable's `originalName`, e.g. `conv3/kernel` (a stable label for seeding). */
  score(variable: LayerVariable, key: string, context: WeightScoreContext): Float32Array | Promise<Float32Array>;
}

export type WeightScoreClass = ComponentClass<WeightScore>;
