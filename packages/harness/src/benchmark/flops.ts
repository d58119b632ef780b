import { countCost } from '@prunebench/core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/**
 * Multiply-accumulates of one forward pass per example: core's `countCost` (the MAC rules the
 * layer rules carry: conv, depthwise, separable and dense layers; BN, pooling and activations are
 * bandwidth, not counted).
 */
export function forwardMacsPerExample(model: LayersModel): number {
  return countCost(model).macs;
}

/**
 * FLOPs of one training step per example, by the usual convention: forward + input gradient +
 * filter gradient = 3 x the forward MACs, at 2 FLOPs per MAC (FLOPs here are 2 × MACs).
 */
export function trainingFlopsPerExample(model: LayersModel): number {
  return 3 * 2 * forwardMacsPerExample(model);
}
