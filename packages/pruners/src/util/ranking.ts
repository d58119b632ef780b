/**
 * The indices of the `keep` highest scores, in ascending index order. Ties go to the lower
 * index (PFEC's rule), so the same scores always give the same channels.
 */
export function topScoring(scores: ArrayLike<number>, keep: number): number[] {
  const n = scores.length;
  if (!Number.isInteger(keep) || keep < 0 || keep > n) {
    throw new RangeError(`topScoring: keep must be an integer in [0, ${n}], got ${keep}`);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  // NaN scores rank last, so a broken criterion never keeps garbage ahead of real channels.
  const value = (i: number) => (Number.isNaN(scores[i]) ? -Infinity : scores[i]);
  order.sort((a, b) => value(b) - value(a) || a - b);
  return order.slice(0, keep).sort((a, b) => a - b);
}

/** PFEC's count: `floor(C × (1 − ratio))`, at least `minimum` (1 by default: a layer never vanishes). */
export function keepCount(channels: number, ratio: number, minimum = 1): number {
  if (!(ratio >= 0 && ratio < 1)) throw new RangeError(`a pruning ratio must be in [0, 1), got ${ratio}`);
  // The epsilon absorbs binary-fraction error, e.g. 10 × (1 − 0.3) = 6.999999999999999.
  const keep = Math.floor(channels * (1 - ratio) + 1e-9);
  return Math.min(channels, Math.max(minimum, keep));
}
