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
