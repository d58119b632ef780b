/**
 * How much a prune compressed the model, against the target its plan aimed at (a plan's
 * `target`: `{ "macs": 0.5 }`, `{ "params": 0.5 }` or `{ "speedup": 2 }`; docs/fairness.md).
 * Kept in a prune's run.json as `compression`, shown by `prunebench inspect --plan`.
 */

/** The target a plan entry names, as written (undefined for a ratio or a fixed plan). */
export interface CompressionTargetSpec {
  macs?: number;
  params?: number;
  speedup?: number;
  tolerance?: number;
}

export interface CompressionAchieved {
  /** Fraction of the original's multiply-accumulates removed (0..1). */
  macsRemoved: number;
  /** Fraction of the original's parameters removed (non-zero ones for masks). */
  paramsRemoved: number;
  /** Original MACs / pruned MACs. */
  speedup: number;
}

export interface CompressionRecord {
  target?: CompressionTargetSpec;
  achieved: CompressionAchieved;
}

/** The default tolerance of a target: 0.5% of the original's MACs (params for a params target). */
export const TARGET_TOLERANCE = 0.005;

/** The plan's `target`, from a pruner's options (`plan: { use, target }`). */
export function planTarget(prunerOptions: Record<string, unknown> | undefined): CompressionTargetSpec | undefined {
  const plan = prunerOptions?.plan;
  if (!plan || typeof plan !== 'object') return undefined;
  const target = (plan as { target?: unknown }).target;
  return target && typeof target === 'object' ? (target as CompressionTargetSpec) : undefined;
}

export function compressionAchieved(before: { params: number; macs: number }, after: { params: number; macs: number }): CompressionAchieved {
  return {
    macsRemoved: before.macs > 0 ? 1 - after.macs / before.macs : 0,
    paramsRemoved: before.params > 0 ? 1 - after.params / before.params : 0,
    speedup: after.macs > 0 ? before.macs / after.macs : Infinity,
  };
}

export function compressionRecord(
  prunerOptions: Record<string, unknown> | undefined,
  before: { params: number; macs: number },
  after: { params: number; macs: number },
): CompressionRecord {
  const target = planTarget(prunerOptions);
  return { ...(target ? { target } : {}), achieved: compressionAchieved(before, after) };
}

const pct = (fraction: number) => `${(100 * fraction).toFixed(2)}%`;

/** "target 50.00% of MACs removed (± 0.50%); achieved 49.87% of MACs, 61.20% of params removed (2.00× fewer MACs)". */
export function describeCompression(record: CompressionRecord): string {
  const { achieved, target } = record;
  const reached = `${pct(achieved.macsRemoved)} of MACs, ${pct(achieved.paramsRemoved)} of params removed (${achieved.speedup.toFixed(2)}× fewer MACs)`;
  if (!target) return `achieved ${reached}`;
  const tolerance = pct(target.tolerance ?? TARGET_TOLERANCE);
  const aim =
    target.params !== undefined
      ? `${pct(target.params)} of params removed`
      : target.macs !== undefined
        ? `${pct(target.macs)} of MACs removed`
        : `${target.speedup}× fewer MACs (${pct(1 - 1 / target.speedup!)} removed)`;
  return `target ${aim} (± ${tolerance}); achieved ${reached}`;
}
