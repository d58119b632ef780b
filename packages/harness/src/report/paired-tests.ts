import { studentTCdf, type PairedDifference } from '../study/statistics';
import type { SplitPredictions } from '../training/evaluate';

/**
 * Paired tests for two models evaluated on the same test set (docs/fairness.md, "Paired tests"):
 * - between two runs of one seed, McNemar's exact test on the examples they disagree on
 *   (b: only the first is right, c: only the second; two-sided binomial test of b against b + c, p = ½);
 * - across seeds, on the seed-level differences: a paired t test and an exact sign-flip
 *   permutation test (every assignment of signs to the differences);
 * - Holm's step-down adjustment over the k comparisons of one table.
 */

const LN2 = Math.log(2);

/** ln(e^a + e^b) without overflow. */
const logAdd = (a: number, b: number) => (a === -Infinity ? b : b === -Infinity ? a : Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b))));

/** Two-sided exact binomial test of `k` successes in `n` trials at p = ½: P(X ≤ min(k, n − k)) doubled, at most 1. */
export function binomialTwoSided(k: number, n: number): number {
  if (n === 0) return 1;
  const low = Math.min(k, n - k);
  let logC = 0; // ln C(n, 0)
  let logTail = -Infinity;
  for (let i = 0; i <= low; i++) {
    logTail = logAdd(logTail, logC - n * LN2);
    logC += Math.log(n - i) - Math.log(i + 1);
  }
  return Math.min(1, 2 * Math.exp(logTail));
}

export interface McNemar {
  /** Examples only the first run classified correctly, and only the second. */
  b: number;
  c: number;
  p: number;
}

/** McNemar's exact test between two runs' predictions of the same split. */
export function mcnemar(first: SplitPredictions, second: SplitPredictions): McNemar {
  const n = first.label.length;
  if (second.label.length !== n) throw new Error(`McNemar's test pairs predictions of the same examples: got ${n} and ${second.label.length}`);
  let b = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (first.label[i] !== second.label[i]) throw new Error(`McNemar's test pairs predictions of the same examples: example ${i} has label ${first.label[i]} in one run and ${second.label[i]} in the other`);
    const a = first.predicted[i] === first.label[i];
    const s = second.predicted[i] === second.label[i];
    if (a && !s) b++;
    else if (!a && s) c++;
  }
  return { b, c, p: binomialTwoSided(Math.min(b, c), b + c) };
}

/** Two-sided p of the paired t test on seed-level differences; NaN below two seeds. */
export function pairedTTest(diffs: readonly number[]): number {
  const n = diffs.length;
  if (n < 2) return NaN;
  const mean = diffs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (n - 1));
  if (sd === 0) return mean === 0 ? 1 : 0;
  const t = mean / (sd / Math.sqrt(n));
  return Math.min(1, 2 * (1 - studentTCdf(Math.abs(t), n - 1)));
}

/** Largest number of seed-level differences the exact permutation test enumerates (2^n sign patterns). */
const EXACT_PERMUTATION_LIMIT = 20;

/**
 * Two-sided exact sign-flip permutation test: the share of the 2^n assignments of signs to the
 * differences whose sum is at least as far from 0 as the observed one. Its smallest possible
 * p is 2 / 2^n (0.25 with 3 seeds): a study with few seeds cannot reach 0.05 this way. NaN
 * without differences, or beyond 20 of them.
 */
export function signFlipPermutationTest(diffs: readonly number[]): number {
  const n = diffs.length;
  if (n === 0 || n > EXACT_PERMUTATION_LIMIT) return NaN;
  const observed = Math.abs(diffs.reduce((a, b) => a + b, 0));
  const scale = diffs.reduce((a, d) => a + Math.abs(d), 0);
  const eps = 1e-12 * Math.max(1, scale);
  let extreme = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += mask & (1 << i) ? -diffs[i] : diffs[i];
    if (Math.abs(sum) >= observed - eps) extreme++;
  }
  return extreme / 2 ** n;
}

/** Holm's step-down adjusted p-values, in the order given; NaN entries stay NaN and do not count in k. */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues.map((p, i) => ({ p, i })).filter((x) => Number.isFinite(x.p)).sort((a, b) => a.p - b.p);
  const k = order.length;
  const out = pValues.map(() => NaN);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (k - rank) * p));
    out[i] = running;
  });
  return out;
}

/**
 * The smallest accuracy difference McNemar's exact test detects at level `alpha` on `examples`
 * test examples when two runs disagree on `discordant` of them: the least |b − c| / examples
 * with b + c = discordant and p < alpha. NaN when no split of the discordant examples reaches it.
 */
export function detectableDifference(examples: number, discordant: number, alpha = 0.05): number {
  const m = Math.round(discordant);
  for (let low = Math.floor(m / 2); low >= 0; low--) {
    if (binomialTwoSided(low, m) < alpha) return (m - 2 * low) / examples;
  }
  return NaN;
}

/** What the report says of one comparison beyond its mean difference and interval. */
export interface PairedTests {
  /** McNemar's test per seed (pairing unit) whose two runs both stored predictions. */
  mcnemar: Array<{ unit: string; examples: number } & McNemar>;
  /** Across seeds (NaN below two for t; the permutation test from one seed on, but it cannot go below 2 / 2^n). */
  t: number;
  permutation: number;
  /** The p-value the table's Holm adjustment uses: the t test's from two seeds on, McNemar's with one seed. */
  p: number;
  /** Holm-adjusted `p` over the comparisons of its table. */
  holm: number;
}

/** The tests of one comparison: per-unit McNemar from the two runs' test predictions (when stored), and the across-seed tests. */
export function pairedTests(
  difference: PairedDifference,
  runsA: ReadonlyMap<string, string>,
  runsB: ReadonlyMap<string, string>,
  testPredictions: (runId: string) => SplitPredictions | undefined,
): PairedTests {
  const perUnit = difference.units.flatMap((unit) => {
    const [a, b] = [runsA.get(unit), runsB.get(unit)].map((id) => (id ? testPredictions(id) : undefined));
    return a && b ? [{ unit, examples: a.label.length, ...mcnemar(a, b) }] : [];
  });
  const diffs = difference.values;
  const t = pairedTTest(diffs);
  const permutation = signFlipPermutationTest(diffs);
  const p = diffs.length >= 2 ? t : perUnit.length === 1 ? perUnit[0].p : NaN;
  return { mcnemar: perUnit, t, permutation, p, holm: NaN };
}

/** `0.0312`, `< 0.0001`, or `–`: four decimals, what a reader checks against a threshold. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return '–';
  return p < 0.0001 ? '< 0.0001' : p.toFixed(4);
}

/** "p 0.0312 (t), 0.2500 (permutation); Holm 0.0936; McNemar seed 0: b 12, c 30, p 0.0080". */
export function formatTests(tests: PairedTests | undefined): string {
  if (!tests) return '';
  const parts: string[] = [];
  if (Number.isFinite(tests.t)) parts.push(`p ${formatP(tests.t)} (t), ${formatP(tests.permutation)} (permutation)`);
  if (Number.isFinite(tests.holm)) parts.push(`Holm ${formatP(tests.holm)}`);
  if (tests.mcnemar.length) parts.push(`McNemar ${tests.mcnemar.map((m) => `seed ${m.unit}: b ${m.b}, c ${m.c}, p ${formatP(m.p)}`).join('; ')}`);
  return parts.join('; ');
}
