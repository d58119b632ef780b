/** PFEC's count: `floor(C × (1 − ratio))`, at least `minimum` (1 by default: a layer never vanishes). */
export function keepCount(channels: number, ratio: number, minimum = 1): number {
  if (!(ratio >= 0 && ratio < 1)) throw new RangeError(`a pruning ratio must be in [0, 1), got ${ratio}`);
  // The epsilon absorbs binary-fraction error, e.g. 10 × (1 − 0.3) = 6.999999999999999.
  const keep = Math.floor(channels * (1 - ratio) + 1e-9);
  return Math.min(channels, Math.max(minimum, keep));
}
