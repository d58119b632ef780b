import { UsageError, closestName, type ChannelGraph, type PruningGroup } from '@prunebench/core';

/**
 * Resolves how a plan names a layer — a stable conv index (`3` or `"3"`, stem = 1) or a
 * producer layer's name — to the group of that layer's output channels.
 */
export function groupOfLayer(graph: ChannelGraph, ref: string | number, planId: string): PruningGroup {
  const text = String(ref).trim();
  let groupId: number | undefined;
  if (/^\d+$/.test(text)) {
    const conv = graph.convs[Number(text) - 1];
    if (!conv) {
      throw new UsageError(`plan "${planId}": the model has convs 1 … ${graph.convs.length}, so there is no conv ${text}`);
    }
    groupId = conv.outputGroup;
  } else {
    const group = graph.groups.find((g) => g.producers.includes(text));
    if (!group) {
      const names = graph.groups.flatMap((g) => g.producers);
      const close = closestName(text, names);
      throw new UsageError(
        `plan "${planId}": no conv or dense layer named "${text}"${close ? ` — did you mean "${close}"?` : ''} ` +
          `(name a layer that produces channels, or a conv index, stem = 1)`,
      );
    }
    groupId = group.id;
  }
  return graph.groups[groupId];
}

/** Throws unless the group can lose channels. */
export function requirePrunable(group: PruningGroup, what: string, planId: string): void {
  if (!group.prunable) {
    throw new UsageError(
      `plan "${planId}": ${what} (group ${group.id}: ${group.producers.join(', ')}) cannot be pruned: ` +
        `${group.reasons.join('; ') || 'the graph marks it unprunable'}. Leave it out of the plan.`,
    );
  }
}

/** Groups a plan covers by default: prunable, and (unless `all`) produced by convs, not dense layers. */
export function candidateGroups(graph: ChannelGraph, layers: 'conv' | 'all'): PruningGroup[] {
  return graph.groups.filter((g) => g.prunable && (layers === 'all' || g.convIndices.length > 0));
}

/** JSON schema of the `layers` option shared by uniform and global. */
export const layersOptionSchema = {
  enum: ['conv', 'all'],
  default: 'conv',
  description: 'groups the plan covers: those produced by convs (default), or dense layers too',
};

/** JSON schema of the `roundTo` option shared by every plan. */
export const roundToOptionSchema = {
  type: 'integer',
  minimum: 1,
  default: 1,
  description:
    "round every kept channel count up to a multiple of this (at most the layer's width), e.g. 4 for wasm's SIMD kernels; as Torch-Pruning's round_to",
};

/**
 * Rounds each kept count up to a multiple of `roundTo` (Torch-Pruning's `round_to` also rounds
 * the kept channels up, pruning fewer), never above the group's width: widths that are a
 * multiple of 4 or 8 run at full speed in SIMD conv kernels. `roundTo` 1 changes nothing.
 */
export function roundKeptCounts(graph: ChannelGraph, counts: Map<number, number>, roundTo = 1): Map<number, number> {
  if (!Number.isInteger(roundTo) || roundTo < 1) throw new UsageError(`plan option roundTo must be a positive integer, got ${roundTo}`);
  if (roundTo === 1) return counts;
  const rounded = new Map<number, number>();
  for (const [group, keep] of counts) rounded.set(group, Math.min(graph.groups[group].channels, Math.ceil(keep / roundTo) * roundTo));
  return rounded;
}
