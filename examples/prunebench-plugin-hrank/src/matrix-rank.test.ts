import { FLOAT32_EPSILON, matrixRank, singularValues } from './matrix-rank';

/** A seeded uniform generator in [-1, 1) (mulberry32), so the test matrices are fixed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

/** A rows × cols matrix of rank exactly `rank`: a sum of `rank` random outer products, rounded to float32. */
function matrixOfRank(rows: number, cols: number, rank: number, seed: number, scale = 1): Float32Array {
  const next = random(seed);
  const out = new Float64Array(rows * cols);
  for (let k = 0; k < rank; k++) {
    const u = Array.from({ length: rows }, next);
    const v = Array.from({ length: cols }, next);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] += scale * u[r] * v[c];
  }
  return Float32Array.from(out);
}

describe('matrixRank', () => {
  it('finds the rank of random matrices of known rank, square and not, at any scale', () => {
    for (const [rows, cols] of [[8, 8], [16, 16], [5, 12], [12, 5], [32, 32]]) {
      for (let rank = 0; rank <= Math.min(rows, cols); rank += Math.max(1, Math.floor(Math.min(rows, cols) / 4))) {
        for (const scale of [1e-6, 1, 1e6]) {
          expect(matrixRank(matrixOfRank(rows, cols, rank, rows * 100 + cols + rank, scale), rows, cols)).toBe(rank);
        }
      }
    }
  });

  it('gives full rank to a full-rank matrix and 0 to a zero matrix', () => {
    expect(matrixRank(matrixOfRank(10, 10, 10, 3), 10, 10)).toBe(10);
    expect(matrixRank(new Float32Array(36), 6, 6)).toBe(0);
    expect(matrixRank([0, 0, 0, 5], 2, 2)).toBe(1);
  });

  it('handles exact structure: identity, repeated rows, a rank-1 ramp, a permuted diagonal', () => {
    const identity = Array.from({ length: 25 }, (_, i) => (i % 6 === 0 ? 1 : 0));
    expect(matrixRank(identity, 5, 5)).toBe(5);
    const repeated = [1, 2, 3, 1, 2, 3, 2, 4, 6];
    expect(matrixRank(repeated, 3, 3)).toBe(1);
    const ramp = Array.from({ length: 64 }, (_, i) => (Math.floor(i / 8) + 1) * ((i % 8) + 1));
    expect(matrixRank(ramp, 8, 8)).toBe(1);
    // Needs pivoting: the diagonal is zero.
    expect(matrixRank([0, 1, 0, 0, 0, 1, 1, 0, 0], 3, 3)).toBe(3);
    // Rank 2: the third row is the sum of the first two (exact in float32).
    expect(matrixRank([1, 2, 3, 4, 5, 6, 5, 7, 9], 3, 3)).toBe(2);
  });

  it('ignores float32 round-off but not real small singular directions (relative tolerance)', () => {
    const base = matrixOfRank(16, 16, 4, 9);
    const noisy = Float32Array.from(base, (v, i) => v * (1 + (i % 2 ? 1 : -1) * FLOAT32_EPSILON));
    expect(matrixRank(noisy, 16, 16)).toBe(4);
    const bumped = Float32Array.from(base);
    bumped[5 * 16 + 11] += 1e-2; // a genuine rank-one addition, well above round-off
    expect(matrixRank(bumped, 16, 16)).toBe(5);
    // A looser tolerance drops it again.
    expect(matrixRank(bumped, 16, 16, { tolerance: 0.05 })).toBe(4);
  });

  it('reads one channel of a channels-last feature map in place (stride and offset)', () => {
    const h = 4;
    const w = 5;
    const channels = 3;
    const maps = [matrixOfRank(h, w, 1, 1), matrixOfRank(h, w, 3, 2), new Float32Array(h * w)];
    const interleaved = new Float32Array(h * w * channels);
    for (let p = 0; p < h * w; p++) for (let c = 0; c < channels; c++) interleaved[p * channels + c] = maps[c][p];
    expect([0, 1, 2].map((c) => matrixRank(interleaved, h, w, { stride: channels, offset: c }))).toEqual([1, 3, 0]);
  });

  it("counts singular values, as torch.matrix_rank does, where Gaussian elimination's pivots say otherwise", () => {
    // [[1, 1], [1, 1 + d]]: σ1 σ2 = |det| = d and σ1² + σ2² = 3 + 2d + d² (the squared entries), so
    // σ1 ≈ 2 and σ2 ≈ d / 2, computed here in closed form, independently of the Jacobi sweeps.
    const d = 5 * FLOAT32_EPSILON; // 1 + d is exact in float32
    const matrix = Float32Array.from([1, 1, 1, 1 + d]);
    const sum = 1 + 1 + 1 + (1 + d) ** 2;
    const det = 1 + d - 1;
    const root = Math.sqrt(sum * sum - 4 * det * det);
    const expected = [Math.sqrt((sum + root) / 2), (2 * det) / Math.sqrt(2 * (sum + root))];
    const sigma = singularValues(matrix, 2, 2);
    expect(sigma[0]).toBeCloseTo(expected[0], 12);
    expect(Math.abs(sigma[1] - expected[1]) / expected[1]).toBeLessThan(1e-6);
    // numpy / torch: σ2 ≈ 3.0e-7 is below σ1 × 2 × ε ≈ 4.8e-7, so the rank is 1 ...
    const tolerance = 2 * FLOAT32_EPSILON;
    expect(sigma[1]).toBeLessThan(sigma[0] * tolerance);
    expect(matrixRank(matrix, 2, 2)).toBe(1);
    // ... while elimination with complete pivoting on the largest entry (1 + d) leaves the pivot
    // 1 − 1 / (1 + d) ≈ d = 6.0e-7, above its threshold max|a| × 2 × ε ≈ 2.4e-7: it said rank 2.
    const secondPivot = Math.abs(1 - (1 * 1) / (1 + d));
    expect(secondPivot).toBeGreaterThan((1 + d) * tolerance);
  });

  it('gives the singular values of a matrix of known SVD, tall and wide alike, largest first', () => {
    // U diag(3, 2, 0.5) Vᵀ with U a 4 × 3 block of a permutation with signs and V a rotation.
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const v = [
      [c, -s, 0],
      [s, c, 0],
      [0, 0, 1],
    ];
    const u = [
      [0, 1, 0],
      [-1, 0, 0],
      [0, 0, 0],
      [0, 0, 1],
    ];
    const d = [3, 2, 0.5];
    const a = u.flatMap((row) => [0, 1, 2].map((j) => row.reduce((acc, uk, k) => acc + uk * d[k] * v[j][k], 0)));
    const transposed = [0, 1, 2].flatMap((j) => [0, 1, 2, 3].map((i) => a[i * 3 + j]));
    for (const [values, rows, cols] of [[a, 4, 3], [transposed, 3, 4]] as const) {
      Array.from(singularValues(values, rows, cols)).forEach((sigma, k) => expect(sigma).toBeCloseTo(d[k], 12));
      expect(matrixRank(values, rows, cols)).toBe(3);
    }
  });
});
