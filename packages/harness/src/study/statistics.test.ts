import { binomialStdError, pairedDifference, studentTCdf, studentTQuantile, summarizeSample } from './statistics';

describe('Student t', () => {
  it('gives the textbook 97.5% quantiles', () => {
    // Published two-sided 95% critical values.
    const table: Array<[number, number]> = [
      [1, 12.706205],
      [2, 4.302653],
      [3, 3.182446],
      [4, 2.776445],
      [9, 2.262157],
      [29, 2.04523],
      [100, 1.983972],
    ];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 5);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 4);
  });

  it('has a CDF that is symmetric and exact where closed forms exist', () => {
    // df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/pi.
    for (const t of [-3, -0.5, 0, 0.7, 5]) expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
    // df = 2: F(t) = 1/2 + t / (2 sqrt(2 + t^2)).
    for (const t of [-2, 1, 4]) expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    expect(studentTCdf(1.3, 7) + studentTCdf(-1.3, 7)).toBeCloseTo(1, 14);
  });
});

describe('summarizeSample', () => {
  it('gives mean, sample std and the 95% t half-width', () => {
    const s = summarizeSample([0.9, 0.92, 0.94]);
    expect(s.mean).toBeCloseTo(0.92, 12);
    expect(s.std).toBeCloseTo(0.02, 12);
    expect(s.ci95).toBeCloseTo(4.302653 * (0.02 / Math.sqrt(3)), 6);
    expect(s.n).toBe(3);
  });

  it('shows no spread for a single value instead of a made-up zero', () => {
    const s = summarizeSample([0.5]);
    expect(s.mean).toBe(0.5);
    expect(s.std).toBeNaN();
    expect(s.ci95).toBeNaN();
    expect(summarizeSample([]).mean).toBeNaN();
  });
});

describe('pairedDifference', () => {
  it('pairs by key, ignores unmatched keys and counts signs', () => {
    const a = new Map([['0', 0.9], ['1', 0.8], ['2', 0.85], ['3', 0.7]]);
    const b = new Map([['0', 0.88], ['1', 0.82], ['2', 0.85], ['9', 0.1]]);
    const d = pairedDifference(a, b);
    expect(d.units).toEqual(['0', '1', '2']);
    expect(d.values.map((v) => Number(v.toFixed(10)))).toEqual([0.02, -0.02, 0]);
    expect([d.positive, d.negative, d.ties]).toEqual([1, 1, 1]);
    expect(d.mean).toBeCloseTo(0, 12);
  });
});

describe('binomialStdError', () => {
  it('is sqrt(p(1-p)/n)', () => {
    expect(binomialStdError(0.9, 10_000)).toBeCloseTo(0.003, 12);
    expect(binomialStdError(0.5, 100)).toBeCloseTo(0.05, 12);
    expect(binomialStdError(0.5, 0)).toBeNaN();
  });
});
