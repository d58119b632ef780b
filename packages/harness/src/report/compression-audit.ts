import type { RunRecord } from '../study/record';

/**
 * The equal-compression audit (docs/fairness.md): two pruned models are compared — in one table,
 * by a lift over random, for the best cell of a budget — only when their multiply-accumulates
 * agree within a tolerance, a fraction of the original's MACs (default 1%). A comparison of
 * models that differ more is refused and the figures are shown instead, as the budget audit does.
 */
export const COMPRESSION_TOLERANCE = 0.01;

/** Pruned MACs of each pruner, by pairing unit (seed, or seed/prune seed). */
export type PrunedMacs = Map<string, Map<string, number>>;

/** From its prune records, and its retrains' (they keep the pruned model's cost) where a prune has none. */
export function prunedMacsByUnit(records: readonly RunRecord[], unitOf: (r: RunRecord) => string): PrunedMacs {
  const out: PrunedMacs = new Map();
  const ordered = [...records.filter((r) => r.kind === 'retrain'), ...records.filter((r) => r.kind === 'prune')];
  for (const r of ordered) {
    if (r.status !== 'finished' || !r.cost || !r.pruner) continue;
    const byUnit = out.get(r.pruner) ?? new Map<string, number>();
    byUnit.set(unitOf(r), r.cost.after.macs);
    out.set(r.pruner, byUnit);
  }
  return out;
}

/** Why two pruners' models may or may not be compared. */
export interface CompressionCheck {
  a: string;
  b: string;
  /** Mean pruned MACs of each. */
  macsA: number;
  macsB: number;
  /** The largest difference over the units both have (the means' when none match), as a fraction of the original's MACs. */
  difference: number;
  equal: boolean;
}

const mean = (values: number[]) => (values.length ? values.reduce((x, y) => x + y, 0) / values.length : NaN);

/** Compares the pruned MACs of `a` and `b`, seed by seed where both have the seed. */
export function checkCompression(macs: PrunedMacs, a: string, b: string, originalMacs: number, tolerance = COMPRESSION_TOLERANCE): CompressionCheck | undefined {
  const ma = macs.get(a);
  const mb = macs.get(b);
  if (!ma?.size || !mb?.size || !(originalMacs > 0)) return undefined;
  const shared = [...ma.keys()].filter((k) => mb.has(k));
  const gaps = shared.length ? shared.map((k) => Math.abs(ma.get(k)! - mb.get(k)!)) : [Math.abs(mean([...ma.values()]) - mean([...mb.values()]))];
  const difference = Math.max(...gaps) / originalMacs;
  return { a, b, macsA: mean([...ma.values()]), macsB: mean([...mb.values()]), difference, equal: difference <= tolerance + 1e-12 };
}

/**
 * Pruners in groups of equal compression: sorted by pruned MACs, each group holds pruners whose
 * every pair is within the tolerance (a group starts at its smallest member). Pruners without
 * recorded MACs form one group; without the original's MACs every pruner is in one group.
 */
export function compressionClasses(pruners: readonly string[], macs: PrunedMacs, originalMacs: number, tolerance = COMPRESSION_TOLERANCE): string[][] {
  if (!(originalMacs > 0)) return pruners.length ? [[...pruners]] : []; // no original to measure against: nothing to separate
  const measured = pruners.filter((p) => macs.get(p)?.size).sort((x, y) => mean([...macs.get(x)!.values()]) - mean([...macs.get(y)!.values()]));
  const classes: string[][] = [];
  for (const pruner of measured) {
    const open = classes[classes.length - 1];
    if (open && open.every((member) => checkCompression(macs, member, pruner, originalMacs, tolerance)?.equal)) open.push(pruner);
    else classes.push([pruner]);
  }
  // Pruners with no recorded MACs cannot be audited: they stay together, apart from the measured.
  const unmeasured = pruners.filter((p) => !macs.get(p)?.size);
  if (unmeasured.length) classes.push(unmeasured);
  // In the study's order of pruners, so tables read as the config lists them.
  const order = (p: string) => pruners.indexOf(p);
  return classes.map((c) => c.sort((x, y) => order(x) - order(y))).sort((x, y) => order(x[0]) - order(y[0]));
}

const mega = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : `${Math.round(v)}`);

/** "l1/global: 1.23 M MACs, random/global: 1.45 M MACs: they differ by 3.10% of the original's MACs, more than the 1.00% tolerance". */
export function describeRefusal(check: CompressionCheck, tolerance = COMPRESSION_TOLERANCE): string {
  return (
    `\`${check.a}\` (${mega(check.macsA)} MACs) and \`${check.b}\` (${mega(check.macsB)} MACs) are not compared: their pruned models differ by ` +
    `${(100 * check.difference).toFixed(2)}% of the original's MACs, more than the ${(100 * tolerance).toFixed(2)}% tolerance. ` +
    'Give both the same compression target (a plan `target`), or, for a lift over random, let random take the criterion\'s counts (`countsFrom`; the `random` baseline does).'
  );
}
