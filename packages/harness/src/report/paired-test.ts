import { studentTCdf, type PairedDifference } from '../study/statistics';

/**
 * Two-sided p-value of the paired t test of a difference over matched seeds (H0: mean 0).
 * Undefined when there is nothing to test: fewer than two pairs, or every pair equal.
 */
export function pairedTPValue(d: PairedDifference): number | undefined {
  if (d.n < 2 || !Number.isFinite(d.std)) return undefined;
  if (d.std === 0) return d.mean === 0 ? undefined : 0;
  const t = d.mean / (d.std / Math.sqrt(d.n));
  return Math.min(1, 2 * (1 - studentTCdf(Math.abs(t), d.n - 1)));
}

/** Holm's step-down adjustment of p-values (same order as given), controlling the family-wise error. */
export function holmAdjust(pValues: readonly number[]): number[] {
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
