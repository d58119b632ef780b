import { studentTCdf, type PairedDifference, type SampleSummary } from '../study/statistics';

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

/** Two-sided p-value of Welch's t test (unequal variances) of mean(b) − mean(a); undefined below two values a side. */
export function welchTPValue(a: SampleSummary, b: SampleSummary): number | undefined {
  if (a.n < 2 || b.n < 2) return undefined;
  const va = a.std ** 2 / a.n;
  const vb = b.std ** 2 / b.n;
  if (va + vb === 0) return a.mean === b.mean ? undefined : 0;
  const t = (b.mean - a.mean) / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  return Math.min(1, 2 * (1 - studentTCdf(Math.abs(t), df)));
}
