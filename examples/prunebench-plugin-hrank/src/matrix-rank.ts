/** Machine epsilon of float32: tfjs computes feature maps in float32. */
export const FLOAT32_EPSILON = 2 ** -23;

/**
 * The numerical rank of a `rows × cols` matrix, read from `values` at
 * `values[offset + (r * cols + c) * stride]` (so one channel of a channels-last feature map can
 * be read in place: stride = channel count, offset = the channel's first entry).
 *
 * Gaussian elimination with complete pivoting, in float64: the pivot at each step is the largest
 * remaining entry, so the pivots fall roughly as the singular values do, and elimination stops
 * when the largest remaining entry is ≤ `tolerance × max|a|`. The default tolerance,
 * `max(rows, cols) × ε(float32)`, is numpy's `matrix_rank` rule for float32 data (with the
 * largest entry standing in for the largest singular value), which HRank's reference code uses
 * through torch. A zero matrix has rank 0.
 */
export function matrixRank(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  options: { stride?: number; offset?: number; tolerance?: number } = {},
): number {
  const stride = options.stride ?? 1;
  const offset = options.offset ?? 0;
  const a = new Float64Array(rows * cols);
  let largest = 0;
  for (let i = 0; i < rows * cols; i++) {
    const v = values[offset + i * stride];
    a[i] = v;
    const magnitude = Math.abs(v);
    if (magnitude > largest) largest = magnitude;
  }
  if (!(largest > 0)) return 0; // all zero (or NaN: no usable information either)
  const threshold = largest * (options.tolerance ?? Math.max(rows, cols) * FLOAT32_EPSILON);
  const steps = Math.min(rows, cols);
  let rank = 0;
  for (let k = 0; k < steps; k++) {
    // Complete pivoting: the largest entry of the remaining (rows-k) × (cols-k) block.
    let pivotRow = k;
    let pivotCol = k;
    let pivot = 0;
    for (let r = k; r < rows; r++) {
      for (let c = k; c < cols; c++) {
        const magnitude = Math.abs(a[r * cols + c]);
        if (magnitude > pivot) {
          pivot = magnitude;
          pivotRow = r;
          pivotCol = c;
        }
      }
    }
    if (pivot <= threshold) break;
    if (pivotRow !== k) for (let c = 0; c < cols; c++) swap(a, k * cols + c, pivotRow * cols + c);
    if (pivotCol !== k) for (let r = 0; r < rows; r++) swap(a, r * cols + k, r * cols + pivotCol);
    const p = a[k * cols + k];
    for (let r = k + 1; r < rows; r++) {
      const factor = a[r * cols + k] / p;
      if (factor === 0) continue;
      for (let c = k; c < cols; c++) a[r * cols + c] -= factor * a[k * cols + c];
    }
    rank++;
  }
  return rank;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
