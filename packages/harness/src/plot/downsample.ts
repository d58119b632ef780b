/**
 * Picks at most `maxPoints` points of a series for plotting, so a per-step schedule of
 * hundreds of thousands of steps still makes a small SVG. Keeps the first and last points,
 * both sides of every jump of a step-like series (when there are few), and evenly spaced
 * points for the rest.
 */
export function downsample(x: ArrayLike<number>, y: ArrayLike<number>, maxPoints = 2000): { x: number[]; y: number[] } {
  if (x.length !== y.length) throw new RangeError(`downsample: x has ${x.length} values but y has ${y.length}`);
  if (!(maxPoints >= 2)) throw new RangeError(`downsample: maxPoints must be at least 2 (got ${maxPoints})`);
  const n = x.length;
  if (n <= maxPoints) return { x: Array.from(x), y: Array.from(y) };
  const keep = new Set<number>([0, n - 1]);
  const jumps: number[] = [];
  for (let i = 1; i < n && jumps.length <= maxPoints / 4; i++) if (y[i] !== y[i - 1]) jumps.push(i);
  if (jumps.length <= maxPoints / 4) for (const i of jumps) keep.add(i - 1).add(i);
  const even = maxPoints - keep.size;
  for (let k = 0; k < even; k++) keep.add(Math.round((k * (n - 1)) / Math.max(1, even - 1)));
  const indices = [...keep].sort((a, b) => a - b).slice(0, maxPoints);
  return { x: indices.map((i) => x[i]), y: indices.map((i) => y[i]) };
}
