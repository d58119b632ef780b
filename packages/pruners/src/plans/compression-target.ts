import type { LayersModel } from '@tensorflow/tfjs-layers';
import { UsageError, countCost, type ChannelGraph, type ChannelLayout } from '@prunebench/core';

/**
 * A compression target instead of a channel ratio: exactly one of `macs` (fraction of the
 * original's multiply-accumulates removed), `params` (fraction of its parameters removed) or
 * `speedup` (original MACs / pruned MACs; 2 removes half the MACs). The plan searches its ratio
 * until the pruned model lands within `tolerance` (a fraction of the original's MACs, or params
 * for a params target; default 0.005) of the target, or refuses with the nearest it can reach.
 */
export interface CompressionTarget {
  macs?: number;
  params?: number;
  speedup?: number;
  tolerance?: number;
}

export const DEFAULT_TARGET_TOLERANCE = 0.005;

/** JSON schema of the `target` option of uniform and global. */
export const targetOptionSchema = {
  type: 'object',
  description:
    'a compression target instead of a ratio: { "macs": 0.5 } removes half the multiply-accumulates, { "params": 0.5 } half the parameters, { "speedup": 2 } halves the MACs; the ratio is searched until the pruned model lands within tolerance (default 0.005 of the original) of it',
  properties: {
    macs: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: "fraction of the original's multiply-accumulates removed" },
    params: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: "fraction of the original's parameters removed" },
    speedup: { type: 'number', exclusiveMinimum: 1, description: 'original MACs / pruned MACs (2: half the MACs removed)' },
    tolerance: { type: 'number', exclusiveMinimum: 0, maximum: 0.1, default: DEFAULT_TARGET_TOLERANCE, description: "how far the result may land from the target, as a fraction of the original's MACs (params for a params target)" },
  },
  oneOf: [{ required: ['macs'] }, { required: ['params'] }, { required: ['speedup'] }],
  additionalProperties: false,
};

/** Kept fraction of one channel axis: the groups' kept counts over the axis's width. */
function keptFraction(layout: ChannelLayout | undefined, counts: ReadonlyMap<number, number>): number {
  if (!layout || layout.channels <= 0) return 1;
  let removed = 0;
  for (const segment of layout.segments) removed += segment.size - Math.min(segment.size, counts.get(segment.group) ?? segment.size);
  return (layout.channels - removed) / layout.channels;
}

export interface PrunedCost {
  macs: number;
  params: number;
}

/**
 * What the model would cost with these kept counts, without building it: every weight shrinks
 * with the channel axes it spans (a kernel with its input and output axes, a depthwise kernel,
 * a bias or BatchNorm entry with its channels), and a layer's MACs with its kernel — the rules
 * of core's `countCost`, so the figures agree with counting the pruned model.
 */
export function prunedCost(model: LayersModel, graph: ChannelGraph, counts: ReadonlyMap<number, number>): PrunedCost {
  const layouts = new Map(graph.layers.map((l) => [l.layer, l]));
  const base = countCost(model);
  let macs = 0;
  let params = 0;
  model.layers.forEach((layer, i) => {
    const info = layouts.get(layer.name);
    const inKept = keptFraction(info?.inputs[0], counts);
    const outKept = keptFraction(info?.output, counts);
    const kernelShare = (suffix: string) => (suffix === 'depthwise_kernel' ? inKept : suffix === 'kernel' || suffix === 'pointwise_kernel' ? inKept * outKept : outKept);
    let kernel = 1;
    for (const weight of layer.weights) {
      const suffix = weight.originalName.slice(weight.originalName.lastIndexOf('/') + 1);
      const share = kernelShare(suffix);
      if (suffix.endsWith('kernel')) kernel = share;
      if (weight.trainable) params += weight.shape.reduce<number>((a, d) => a * (d ?? 1), 1) * share;
    }
    macs += base.layers[i].macs * kernel;
  });
  return { macs: Math.round(macs), params: Math.round(params) };
}

/** The fraction a target asks to remove, of which quantity, and the tolerance. */
export function targetGoal(target: CompressionTarget): { metric: 'macs' | 'params'; removed: number; tolerance: number } {
  const tolerance = target.tolerance ?? DEFAULT_TARGET_TOLERANCE;
  if (target.params !== undefined) return { metric: 'params', removed: target.params, tolerance };
  if (target.macs !== undefined) return { metric: 'macs', removed: target.macs, tolerance };
  if (target.speedup !== undefined) return { metric: 'macs', removed: 1 - 1 / target.speedup, tolerance };
  throw new UsageError('a compression target names one of "macs", "params" or "speedup", e.g. { "macs": 0.5 }');
}

/**
 * How a plan's allocations grow: `allocate(step)` for step 0 … `steps` removes more channels as
 * the step grows (never costing more). `fill`, when the plan has a ranking (global), continues
 * from `step` down its order, taking each next channel that `fits` and stopping once `reached`,
 * so a coarse step (one channel of a wide early layer) does not decide how close it lands.
 */
export interface TargetSearch {
  steps: number;
  allocate(step: number): Map<number, number>;
  fill?(step: number, fits: (counts: Map<number, number>) => boolean, reached: (counts: Map<number, number>) => boolean): Map<number, number>;
}

/** Steps of a ratio search (uniform): the ratio in [0, 0.999] in this many steps. */
export const RATIO_STEPS = 20000;
export const ratioOfStep = (step: number) => (0.999 * step) / RATIO_STEPS;

/**
 * Searches the allocation that removes the target's fraction: bisection on the step (more
 * removed never costs more), then the plan's `fill` from below, and the nearer of that and the
 * step above. Refuses, with the nearest figure reachable, when that misses by more than the tolerance.
 */
export function allocateToTarget(planId: string, target: CompressionTarget, model: LayersModel | undefined, graph: ChannelGraph, search: TargetSearch): Map<number, number> {
  if (!model) {
    throw new UsageError(`plan "${planId}": a compression target needs the model to count its MACs and params (PlanInput.model); give a ratio instead, or pass the model`);
  }
  const goal = targetGoal(target);
  const original = prunedCost(model, graph, new Map())[goal.metric];
  const removed = (counts: Map<number, number>) => 1 - prunedCost(model, graph, counts)[goal.metric] / original;
  let low = 0;
  let high = search.steps;
  const most = removed(search.allocate(high));
  if (most >= goal.removed) {
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (removed(search.allocate(mid)) >= goal.removed) high = mid;
      else low = mid;
    }
  } else low = high;
  const below = search.fill
    ? search.fill(low, (c) => removed(c) <= goal.removed + goal.tolerance, (c) => removed(c) >= goal.removed)
    : search.allocate(low);
  const above = search.allocate(high);
  const [lowRemoved, highRemoved] = [removed(below), removed(above)];
  const [best, achieved] = Math.abs(highRemoved - goal.removed) < Math.abs(goal.removed - lowRemoved) ? [above, highRemoved] : [below, lowRemoved];
  if (Math.abs(achieved - goal.removed) > goal.tolerance + 1e-12) {
    const what = goal.metric === 'macs' ? 'MACs' : 'params';
    throw new UsageError(
      `plan "${planId}": cannot remove ${(100 * goal.removed).toFixed(2)}% of the ${what} within ${(100 * goal.tolerance).toFixed(2)}%: ` +
        `the nearest it reaches is ${(100 * achieved).toFixed(2)}% (at most ${(100 * most).toFixed(2)}% with its minimum channels per layer). ` +
        `Loosen "tolerance", lower the minimums (minChannels, minRatio, roundTo)${planId === 'uniform' ? ', use "global" (it steps one channel at a time)' : ''}, or aim lower.`,
    );
  }
  return best;
}
