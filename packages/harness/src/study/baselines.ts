import { ConfigError, ConfigErrors, type Registry, splitComponentRef } from '@prunebench/core';
import { type ComponentRef, resolveComponentRef } from '@prunebench/core/config';
import { stableStringify } from '../util/hash';
import type { PrunerEntry } from './iterative';

/**
 * The baselines a study can add (`"baselines": [...]` in a config):
 * - `random`: for every pruner, a random pruner under the same plan (structured) or sparsity
 *   (weight-level), unless the study has one, so every criterion has a lift over random;
 * - `pruned`: the accuracy right after pruning, before any retraining (per pruner × seed);
 * - `scratch-e` / `scratch-b` (Liu et al., ICLR 2019): the pruned architecture, freshly
 *   initialised, trained under the original recipe for the original's epochs (E), or for the
 *   original's compute (B: epochs and milestones scaled by original FLOPs / pruned FLOPs).
 */
export const BASELINE_NAMES = ['random', 'pruned', 'scratch-e', 'scratch-b'] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

export type ScratchVariant = 'scratch-e' | 'scratch-b';
export const SCRATCH_VARIANTS: readonly ScratchVariant[] = ['scratch-e', 'scratch-b'];

/** The ids of the random pruners of the built-in plugin, by kind of pruning. */
const RANDOM_STRUCTURED = 'random';
const RANDOM_WEIGHTS = 'random-weights';

/** What a pruner's random counterpart must share with it: its plan, or its sparsity settings. */
function pairingKey(ref: PrunerEntry): string | null {
  const o = ref.options;
  const iterative = ref.iterative ?? null;
  if (o.plan !== undefined) return stableStringify({ structured: true, plan: o.plan, iterative });
  if (typeof o.sparsity === 'number') {
    return stableStringify({ structured: false, sparsity: o.sparsity, scope: o.scope ?? null, includeDense: o.includeDense ?? null, iterative });
  }
  return null;
}

export function isRandomPruner(ref: ComponentRef): boolean {
  return ref.id === RANDOM_STRUCTURED || ref.id === RANDOM_WEIGHTS;
}

/** Options of a structured pruner entry that are the pruner's, not its criterion's. */
const STRUCTURED_KEYS = new Set(['plan', 'countsFrom', 'regularizer', 'sparsityTraining']);

/** A criterion entry as `countsFrom` names it: `{ use: id, ...the criterion's own options }`. */
function criterionEntry(ref: PrunerEntry): Record<string, unknown> {
  return { use: ref.id, ...Object.fromEntries(Object.entries(ref.options).filter(([k]) => !STRUCTURED_KEYS.has(k))) };
}

/** `countsFrom` of an entry, normalised for comparison; null when it has none. */
function countsFromKey(ref: PrunerEntry): string | null {
  const from = ref.options.countsFrom;
  if (from === undefined) return null;
  return stableStringify(typeof from === 'string' ? { use: from } : from);
}

/**
 * The random pruner a criterion's lift is measured against: the study's random pruner that takes
 * its kept counts from this criterion (`countsFrom`: the same architecture), else the one with
 * the same plan (or sparsity) and the same iterative schedule; undefined when there is none.
 * Whether the two pruned networks really have equal MACs is checked by the report
 * (report/compression-audit.ts).
 */
export function randomCounterpart(ref: PrunerEntry, pruners: readonly PrunerEntry[]): PrunerEntry | undefined {
  if (isRandomPruner(ref)) return undefined;
  const key = pairingKey(ref);
  if (key === null) return undefined;
  const candidates = pruners.filter((p) => isRandomPruner(p) && pairingKey(p) === key);
  const own = stableStringify(criterionEntry(ref));
  return candidates.find((p) => countsFromKey(p) === own) ?? candidates.find((p) => countsFromKey(p) === null);
}

/**
 * Whether a plan sets kept counts from the criterion's scores (`global`): then a random pruner
 * under it prunes another architecture than the criterion, and its counterpart takes the
 * criterion's counts instead. Plans declare it as `needsScores`.
 */
function planRanksByScores(registry: Registry, plan: unknown): boolean {
  if (plan === undefined) return false;
  const { id, options } = splitComponentRef(plan as string | { use: string });
  if (!registry.has('plan', id)) return false;
  const PlanClass = registry.get('plan', id).componentClass as unknown as new (options: Record<string, unknown>) => { needsScores?: boolean };
  try {
    return Boolean(new PlanClass(options).needsScores);
  } catch {
    return false; // a plan that cannot be made from its options alone: its entry's own check reports it
  }
}

/**
 * Adds, for the `random` baseline, a random pruner for every pruner that lacks its counterpart,
 * checked against the registry like a config entry (so its options get their defaults).
 */
export function addRandomCounterparts(pruners: PrunerEntry[], registry: Registry, file?: string): PrunerEntry[] {
  const out = [...pruners];
  const errors: ConfigError[] = [];
  for (const ref of pruners) {
    const o = ref.options;
    const sameCounts = o.plan !== undefined && registry.has('criterion', ref.id) && planRanksByScores(registry, o.plan);
    const counterpart = randomCounterpart(ref, out);
    if (isRandomPruner(ref) || (counterpart && (!sameCounts || counterpart.options.countsFrom !== undefined))) continue;
    const entry =
      o.plan !== undefined
        ? { use: RANDOM_STRUCTURED, plan: o.plan, ...(sameCounts ? { countsFrom: criterionEntry(ref) } : {}) }
        : typeof o.sparsity === 'number'
          ? { use: RANDOM_WEIGHTS, sparsity: o.sparsity, ...(o.scope ? { scope: o.scope } : {}), ...(o.includeDense !== undefined ? { includeDense: o.includeDense } : {}) }
          : null;
    if (!entry) continue; // a third-party pruner without a plan or sparsity: no counterpart to build
    try {
      const resolved: PrunerEntry = resolveComponentRef(registry, 'pruner', entry as { use: string }, 'baselines', file);
      if (ref.iterative) resolved.iterative = ref.iterative;
      out.push(resolved);
    } catch (error) {
      if (error instanceof ConfigErrors) {
        errors.push(...error.errors.map((e) => new ConfigError('baselines', `"random" needs the pruner "${entry.use}", which cannot be made: ${e.problem}`, file)));
      } else throw error;
    }
  }
  if (errors.length) throw new ConfigErrors(errors);
  return out;
}

/** What Scratch-B's FLOPs ratio counts (docs/spec/cost-counting.md), stated in its record and the report. */
export const SCRATCH_FLOPS_COUNTED = 'multiply-accumulates of conv and dense layers (biases, BatchNorm, activations and pooling not counted)';

/**
 * Scratch-B's recipe factor: original FLOPs / pruned FLOPs (≥ 1), as counted by
 * `SCRATCH_FLOPS_COUNTED`, capped at `maxFactor` when the recipe states one (Liu et al. train
 * ImageNet's Scratch-B for at most 2 × 90 = 180 epochs when the ratio is 2 or more: the
 * `imagenet` preset's `scratchBMaxFactor`). The epochs become `round(E × factor)` and every
 * milestone `round(m × factor)`, so the LR shape is the original's stretched over the longer run.
 */
export function scratchEpochs(
  variant: ScratchVariant,
  originalEpochs: number,
  macsBefore: number,
  macsAfter: number,
  maxFactor = Infinity,
): { epochs: number; factor: number; flopsRatio: number; capped: boolean } {
  const flopsRatio = macsAfter > 0 && Number.isFinite(macsBefore / macsAfter) ? macsBefore / macsAfter : 1;
  if (variant === 'scratch-e') return { epochs: originalEpochs, factor: 1, flopsRatio, capped: false };
  const uncapped = Math.max(1, flopsRatio);
  const factor = Math.min(uncapped, Math.max(1, maxFactor));
  return { epochs: Math.max(1, Math.round(originalEpochs * factor)), factor, flopsRatio, capped: factor < uncapped };
}
