import { studentTCdf, type SampleSummary } from '../study/statistics';

// Paired tests (t, permutation, McNemar, Holm) are in paired-tests.ts; this is the unpaired one
// `compare` falls back to when two studies share no seeds or no test set.

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
