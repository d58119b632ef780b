/**
 * One colour per schedule in every chart prunebench draws (the report's figures, the CLI's
 * `schedule --svg`, the live page): a schedule's colour depends on its name only, never on
 * where it comes in a list, so FT is the same blue in Figure 1 and in Figure 2.
 */
export const CATEGORY_COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac'];

/** The built-in schedules (and baselines) in a fixed order: the first colours are theirs. */
const KNOWN = ['ft', 'lrw', 'slr', 'clr', 'constant', 'step', 'cosine', 'warmup', 'scratch-e', 'scratch-b'];

/** A label's schedule id: `clr` for `clr`, `clr (div 10)` or `clr/nomom`. */
const baseName = (label: string) => label.trim().toLowerCase().split(/[\s/(]/)[0];

/**
 * The colour of each name, in order: a built-in schedule's own colour; other names take the
 * colours no name of the list has, in order, then repeat.
 */
export function scheduleColours(names: readonly string[]): string[] {
  const fixed = names.map((name) => {
    const i = KNOWN.indexOf(baseName(name));
    return i >= 0 && i < CATEGORY_COLOURS.length ? CATEGORY_COLOURS[i] : undefined;
  });
  // Two labels of one schedule (clr and clr-div10 both "clr"...) keep apart: the second is free.
  const used = new Set<string>();
  const result = fixed.map((c) => (c && !used.has(c) ? (used.add(c), c) : undefined));
  const free = CATEGORY_COLOURS.filter((c) => !used.has(c));
  let next = 0;
  return result.map((c) => c ?? free[next++ % Math.max(1, free.length)] ?? CATEGORY_COLOURS[0]);
}
