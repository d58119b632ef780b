import { injectable } from 'tsyringe';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { WeightScore } from '@prunebench/core';

/**
 * LAMP scores of one layer's weights (Lee et al., ICLR 2021, "Layer-adaptive Sparsity for the
 * Magnitude-based Pruning", eq. 3): with the layer's weights sorted by |w| ascending (u < v ⇒
 * |w_u| ≤ |w_v|), score(u) = w_u² / Σ_{v ≥ u} w_v². Equal magnitudes sort by the lower index
 * first, so of two equal weights the earlier one scores lower and is pruned first. The largest
 * weight of every layer scores 1: a global threshold never empties a layer.
 */
export function lampScores(weights: ArrayLike<number>): Float32Array {
  const n = weights.length;
  const squares = Float64Array.from({ length: n }, (_, i) => weights[i] * weights[i]);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => squares[a] - squares[b] || a - b);
  const scores = new Float32Array(n);
  let tail = 0;
  for (let rank = n - 1; rank >= 0; rank--) {
    const index = order[rank];
    tail += squares[index];
    scores[index] = tail > 0 ? squares[index] / tail : 0;
  }
  return scores;
}

/**
 * LAMP as a weight score for the mask pruner: its default global scope is LAMP's single
 * threshold over every layer's scores, which sets each layer's sparsity adaptively.
 */
@injectable()
export class LampScore implements WeightScore {
  static readonly id = 'lamp';
  static readonly description = 'weight-level: layer-adaptive magnitude scores w²/Σ(larger w²), one global threshold (LAMP, Lee et al. 2021)';
  readonly requirements = { needsData: false, needsGradients: false };
  async score(variable: LayerVariable) {
    return lampScores(await variable.read().data());
  }
}
