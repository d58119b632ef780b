import { topScoring } from '@prunebench/core';
import { keepCount } from './ranking';

describe('topScoring', () => {
  it('keeps the largest scores, ties to the lower index, indices ascending', () => {
    expect(topScoring([0.5, 3, 1, 3, 2], 3)).toEqual([1, 3, 4]);
    expect(topScoring([1, 1, 1, 1], 2)).toEqual([0, 1]);
    expect(topScoring([2, 1], 0)).toEqual([]);
    expect(topScoring([NaN, 0], 1)).toEqual([1]);
    expect(() => topScoring([1], 2)).toThrow(RangeError);
  });

  it('counts keep = floor(C × (1 − ratio)), never below the minimum', () => {
    expect(keepCount(16, 0.6)).toBe(6);
    expect(keepCount(32, 0.3)).toBe(22);
    expect(keepCount(10, 0.3)).toBe(7);
    expect(keepCount(64, 0.1)).toBe(57);
    expect(keepCount(4, 0.99, 1)).toBe(1);
    expect(keepCount(8, 0)).toBe(8);
    expect(() => keepCount(8, 1)).toThrow(RangeError);
  });
});
