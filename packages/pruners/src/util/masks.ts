import type { WeightMasks } from '@prunebench/core';

/** Zero entries of the masked weights / all their entries. */
export function maskSparsity(masks: WeightMasks): { pruned: number; total: number } {
  let pruned = 0;
  let total = 0;
  for (const mask of masks.values()) {
    total += mask.length;
    for (let i = 0; i < mask.length; i++) if (mask[i] === 0) pruned++;
  }
  return { pruned, total };
}
