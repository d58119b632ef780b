import { binomialTwoSided, detectableDifference, holm, mcnemar, pairedTTest, signFlipPermutationTest } from './paired-tests';

const predictions = (predicted: number[], label: number[]) => ({ predicted: Uint16Array.from(predicted), label: Uint16Array.from(label) });

describe('paired tests', () => {
  it("McNemar's exact test: discordant pairs, two-sided binomial at ½", () => {
    // 13 discordant examples, 3 one way and 10 the other: 2 × (C(13,0)+C(13,1)+C(13,2)+C(13,3)) / 2^13.
    const labels = Array.from({ length: 20 }, () => 1);
    const first = predictions(labels.map((_, i) => (i < 3 || i >= 13 ? 1 : 0)), labels); // right on 0-2 and 13-19
    const second = predictions(labels.map((_, i) => (i >= 3 ? 1 : 0)), labels); // right on 3-19
    const test = mcnemar(first, second);
    expect([test.b, test.c]).toEqual([3, 10]);
    expect(test.p).toBeCloseTo((2 * (1 + 13 + 78 + 286)) / 8192, 12);
    expect(mcnemar(first, first).p).toBe(1);
    expect(binomialTwoSided(5, 10)).toBe(1);
    expect(binomialTwoSided(0, 2000)).toBeCloseTo(0, 300);
    expect(() => mcnemar(first, predictions([1], [1]))).toThrow(/same examples/);
  });

  it('across seeds: the paired t test and the exact sign-flip permutation test', () => {
    // t = 2 / (1 / √3) with 2 df: two-sided p = 0.07418 (R: 2 * pt(-sqrt(12), 2)).
    expect(pairedTTest([1, 2, 3])).toBeCloseTo(0.0741799, 6);
    expect(pairedTTest([1])).toBeNaN();
    expect(pairedTTest([0, 0])).toBe(1);
    // Only all-plus and all-minus reach |sum| = 6: 2 of 8.
    expect(signFlipPermutationTest([1, 2, 3])).toBe(0.25);
    // 1 + 2 − 3 = 0: every pattern is at least as extreme.
    expect(signFlipPermutationTest([1, 2, -3])).toBe(1);
    expect(signFlipPermutationTest([])).toBeNaN();
  });

  it("Holm's step-down adjustment, NaN left out of k", () => {
    const adjusted = holm([0.01, 0.04, 0.03]);
    [0.03, 0.06, 0.06].forEach((p, i) => expect(adjusted[i]).toBeCloseTo(p, 12));
    const withNaN = holm([0.02, NaN, 0.5]);
    expect(withNaN[0]).toBeCloseTo(0.04, 12);
    expect(withNaN[1]).toBeNaN();
    expect(withNaN[2]).toBe(0.5);
    // 2 × 0.8 caps at 1, and no later p may fall below an earlier one.
    expect(holm([0.9, 0.8])).toEqual([1, 1]);
  });

  it('what McNemar detects: 100 discordant of 1000 examples need a split of 39 / 61 (2.2 pp)', () => {
    expect(binomialTwoSided(39, 100)).toBeLessThan(0.05);
    expect(binomialTwoSided(40, 100)).toBeGreaterThan(0.05);
    expect(detectableDifference(1000, 100)).toBeCloseTo(0.022, 12);
    // 5 discordant examples: even 0 / 5 gives p = 0.0625.
    expect(detectableDifference(1000, 5)).toBeNaN();
  });
});
