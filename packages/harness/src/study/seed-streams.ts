import { deriveSeed } from '@prunebench/core';

/**
 * What randomness is for. Each role draws from its own stream, derived from the run's seed and
 * the role's name, so that (for example) retraining does not replay the original's epoch order,
 * and a different calibration sample does not change which channels random pruning removes.
 */
export type SeedRole = 'original-init' | 'original-data' | 'prune' | 'calibration' | 'retrain-data';

/** The 32-bit seed of one role's stream; `detail` separates repeats (e.g. the prune seed). */
export function seedFor(role: SeedRole, seed: number, ...detail: number[]): number {
  return deriveSeed(seed, 'prunebench-seed-stream', role, ...detail);
}
