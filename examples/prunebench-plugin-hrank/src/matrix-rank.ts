/** Machine epsilon of float32: tfjs computes feature maps in float32. */
export const FLOAT32_EPSILON = 2 ** -23;

/** Where a `rows × cols` matrix sits in a flat array: entry (r, c) at `values[offset + (r * cols + c) * stride]`. */
export interface MatrixLayout {
  stride?: number;
  offset?: number;
}

/**
 * The singular values of a `rows × cols` matrix, largest first, by one-sided Jacobi (Hestenes)
 * in float64: the columns of the taller orientation are rotated pairwise until orthogonal, and
 * their norms are the singular values. Accurate to a few ulps relative to the largest one, which
 * is what a rank tolerance of order max(m, n) × ε(float32) needs.
 */
export function singularValues(values: ArrayLike<number>, rows: number, cols: number, layout: MatrixLayout = {}): Float64Array {
  const stride = layout.stride ?? 1;
  const offset = layout.offset ?? 0;
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  // n columns of length m (the transpose when the matrix is wide: same singular values).
  const columns = Array.from({ length: n }, () => new Float64Array(m));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = values[offset + (r * cols + c) * stride];
      if (tall) columns[c][r] = v;
      else columns[r][c] = v;
    }
  }
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const a = columns[p];
        const b = columns[q];
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += a[i] * a[i];
          beta += b[i] * b[i];
          gamma += a[i] * b[i];
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        // The rotation that zeroes the (p, q) entry of the Gram matrix.
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cos = 1 / Math.sqrt(1 + t * t);
        const sin = cos * t;
        for (let i = 0; i < m; i++) {
          const x = a[i];
          const y = b[i];
          a[i] = cos * x - sin * y;
          b[i] = sin * x + cos * y;
        }
      }
    }
    if (!rotated) break;
  }
  const sigma = Float64Array.from(columns, (column) => Math.sqrt(column.reduce((s, v) => s + v * v, 0)));
  return sigma.sort().reverse();
}

/**
 * The numerical rank of a `rows × cols` matrix as HRank's reference code computes it
 * (`torch.matrix_rank`, numpy's rule): the number of singular values above
 * `σ_max × max(rows, cols) × ε(float32)`, or `σ_max × tolerance` when a relative tolerance is
 * given. A zero matrix (or one holding NaN) has rank 0. The singular values come from float64
 * arithmetic on the float32 data; torch's float32 SVD can differ on values within a few ulps of
 * the threshold.
 */
export function matrixRank(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  options: MatrixLayout & { tolerance?: number } = {},
): number {
  const sigma = singularValues(values, rows, cols, options);
  const largest = sigma[0] ?? 0;
  if (!(largest > 0)) return 0; // all zero (or NaN: no usable information either)
  const threshold = largest * (options.tolerance ?? Math.max(rows, cols) * FLOAT32_EPSILON);
  let rank = 0;
  for (const s of sigma) if (s > threshold) rank++;
  return rank;
}
