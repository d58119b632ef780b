/**
 * The statistics a study reports: per-cell mean, sample std and a 95% Student-t confidence
 * interval; paired differences (same seed) with their interval and sign counts; and the
 * binomial sampling error of a test-set accuracy, the noise floor no seed count removes.
 */

/** ln Γ(x), Lanczos approximation (g = 7, 9 terms): ~1e-15 relative for x > 0. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularised incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** I_x(a, b), the regularised incomplete beta function. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The `p` quantile of Student's t (0 < p < 1), by bisection on the CDF (1e-12 absolute). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1) (got ${p})`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0 (got ${df})`);
  if (p === 0.5) return 0;
  let lo = -1;
  let hi = 1;
  while (studentTCdf(lo, df) > p) lo *= 2;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Mean, sample std (n − 1) and the 95% t interval of a set of values. */
export interface SampleSummary {
  n: number;
  mean: number;
  /** Sample standard deviation; NaN for fewer than two values (no spread can be shown). */
  std: number;
  /** Half-width of the 95% confidence interval of the mean (t, n − 1 df); NaN for n < 2. */
  ci95: number;
  /** The values, in the order given (per-seed dots of the figures). */
  values: number[];
}

export function summarizeSample(values: readonly number[]): SampleSummary {
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  const mean = n ? finite.reduce((a, b) => a + b, 0) / n : NaN;
  if (n < 2) return { n, mean, std: NaN, ci95: NaN, values: finite };
  const std = Math.sqrt(finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  return { n, mean, std, ci95: studentTQuantile(0.975, n - 1) * (std / Math.sqrt(n)), values: finite };
}

/** A paired difference a − b over matched units (seeds), with the count of signs. */
export interface PairedDifference extends SampleSummary {
  /** Units where a > b, a < b, a = b. */
  positive: number;
  negative: number;
  ties: number;
  /** The matched units' keys (e.g. seeds), in order. */
  units: string[];
}

/** Pairs `a` and `b` by key; keys present in only one are left out. */
export function pairedDifference(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): PairedDifference {
  const units = [...a.keys()].filter((k) => b.has(k) && Number.isFinite(a.get(k)) && Number.isFinite(b.get(k))).sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
  const diffs = units.map((k) => a.get(k)! - b.get(k)!);
  return {
    ...summarizeSample(diffs),
    positive: diffs.filter((d) => d > 0).length,
    negative: diffs.filter((d) => d < 0).length,
    ties: diffs.filter((d) => d === 0).length,
    units,
  };
}

/**
 * The binomial standard error of an accuracy `p` measured on `examples` test examples,
 * sqrt(p (1 − p) / n): two runs whose accuracies differ by less than about twice this cannot
 * be told apart by that test set, however many seeds are run.
 */
export function binomialStdError(p: number, examples: number): number {
  if (!(examples > 0) || !(p >= 0 && p <= 1)) return NaN;
  return Math.sqrt((p * (1 - p)) / examples);
}
