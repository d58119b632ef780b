import { PrunebenchError } from '../errors';

/** A criterion returned scores that cannot rank channels (wrong length, NaN, ±Infinity). */
export class InvalidScoresError extends PrunebenchError {}

/**
 * The one check every score goes through (structured pruner, mask pruner, conformance kit):
 * exactly `expected` finite numbers. Returns them as a Float32Array.
 */
export function checkScores(scores: unknown, expected: number, what: string): Float32Array {
  if (!(scores instanceof Float32Array)) {
    throw new InvalidScoresError(`${what} must return a Float32Array of ${expected} scores, got ${scores === null ? 'null' : typeof scores === 'object' ? (scores as object).constructor?.name : typeof scores}`);
  }
  if (scores.length !== expected) {
    throw new InvalidScoresError(`${what} returned ${scores.length} scores, expected ${expected} (one per channel or weight)`);
  }
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new InvalidScoresError(`${what} returned ${scores[i]} at index ${i}: scores must be finite numbers (check the criterion for a division by zero or a log of 0)`);
    }
  }
  return scores;
}
