import { deriveSeed } from '@prunebench/core';

/**
 * What randomness is for. Each role draws from its own stream, derived from the run's seed and
 * the role's name, so that (for example) retraining does not replay the original's epoch order,
 * and a different calibration sample does not change which channels random pruning removes.
 * - `scratch-init`: a scratch baseline's fresh weights;
 * - `iterative-prune` / `iterative-retrain`: step i of an iterative prune (from the prune's seed).
 */
export type SeedRole = 'original-init' | 'original-data' | 'prune' | 'calibration' | 'retrain-data' | 'scratch-init' | 'iterative-prune' | 'iterative-retrain';

/**
 * Roles whose streams were derived without the common prefix before the roles were typed: kept
 * as they were, so scratch baselines and iterative prunes keep their results (and run ids).
 */
const UNPREFIXED: ReadonlySet<SeedRole> = new Set(['scratch-init', 'iterative-prune', 'iterative-retrain']);

/** The 32-bit seed of one role's stream; `detail` separates repeats (e.g. the prune seed, the step). */
export function seedFor(role: SeedRole, seed: number, ...detail: number[]): number {
  return UNPREFIXED.has(role) ? deriveSeed(seed, role, ...detail) : deriveSeed(seed, 'prunebench-seed-stream', role, ...detail);
}
