import type { PairedDifference, SampleSummary } from '../study/statistics';
import type { Comparison } from './analysis-types';
import { formatP } from './paired-tests';

/** Accuracy (a fraction) in percent, 2 decimals. */
export const pct = (v: number) => (Number.isFinite(v) ? (100 * v).toFixed(2) : '–');
const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(2)}` : '–');

/**
 * `91.23 ± 0.45 [90.10, 92.40]` (an accuracy's mean ± std, 95% CI) or just the mean for one seed.
 * An accuracy lies in [0, 100]: an interval reaching past either end is clipped there and says so.
 */
export function formatSample(s: SampleSummary): string {
  if (s.n === 0) return '–';
  if (s.n < 2) return pct(s.mean);
  const [low, high] = [s.mean - s.ci95, s.mean + s.ci95];
  const clipped = low < 0 || high > 1 ? ' (clipped)' : '';
  return `${pct(s.mean)} ± ${pct(s.std)} [${pct(Math.max(0, low))}, ${pct(Math.min(1, high))}]${clipped}`;
}

/** `+0.52 [−0.10, +1.14], 3/3 ↑` (percentage points, 95% CI, seeds where the sign holds). */
export function formatDifference(d: PairedDifference): string {
  if (d.n === 0) return '–';
  if (d.ties === d.n) return `±0.00, ${d.n}/${d.n} equal`;
  const sign = d.mean >= 0 ? d.positive : d.negative;
  const ci = d.n >= 2 ? ` [${signed(d.mean - d.ci95)}, ${signed(d.mean + d.ci95)}]` : '';
  return `${signed(d.mean)}${ci}, ${sign}/${d.n} ${d.mean >= 0 ? '↑' : '↓'}`;
}

export const count = (v: number) =>
  Number.isFinite(v) ? (v >= 1e9 ? `${(v / 1e9).toFixed(2)}G` : v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : `${Math.round(v)}`) : '–';

/** A comparison's difference and, beside it, its p-value and Holm's over its table (report/paired-tests.ts). */
export function formatComparison(c: Comparison): string {
  const text = formatDifference(c.difference);
  if (!c.tests || !Number.isFinite(c.tests.p)) return text;
  return `${text}; p ${formatP(c.tests.p)}${Number.isFinite(c.tests.holm) ? ` (Holm ${formatP(c.tests.holm)})` : ''}`;
}
