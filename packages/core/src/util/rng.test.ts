import { Rng, deriveSeed } from './rng';

describe('Rng', () => {
  it('gives the same sequence for the same seed and streams', () => {
    const a = new Rng(42, 'shuffle', 3);
    const b = new Rng(42, 'shuffle', 3);
    const xs = Array.from({ length: 20 }, () => a.uint32());
    expect(Array.from({ length: 20 }, () => b.uint32())).toEqual(xs);
  });

  it('gives different sequences for different seeds or streams', () => {
    const first = (rng: Rng) => Array.from({ length: 8 }, () => rng.uint32());
    const base = first(new Rng(1));
    expect(first(new Rng(2))).not.toEqual(base);
    expect(first(new Rng(1, 'epoch', 1))).not.toEqual(first(new Rng(1, 'epoch', 2)));
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed('1', 'a'));
  });

  it('draws floats in [0, 1) and integers in [0, n) roughly uniformly', () => {
    const rng = new Rng(7);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 5000; i++) {
      const x = rng.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      counts[rng.int(5)]++;
    }
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect(() => rng.int(0)).toThrow(RangeError);
  });

  it('shuffles into a permutation, and normal() has mean ~0 and std ~1', () => {
    const rng = new Rng(9);
    const perm = Array.from(rng.permutation(100));
    expect([...perm].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(perm).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    const xs = Array.from({ length: 4000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.08);
    expect(Math.abs(std - 1)).toBeLessThan(0.08);
  });
});
