import type { LayersModel } from '@tensorflow/tfjs-layers';
import { PrunebenchError, UsageError } from '../errors';
import { applyKeptChannels } from '../graph/apply-kept-channels';
import type { ChannelGraph, PruningGroup } from '../graph/types';
import type { GroupPruning, PruneResult } from '../interfaces/pruner';
import { topScoring } from './ranking';

/**
 * The groups a plan's counts (channels to keep, by group id) actually prune, checked: every id a
 * group of `graph`, every count in 1 … channels, and nothing pruned in a group that cannot be.
 */
export function prunedGroups(graph: ChannelGraph, counts: ReadonlyMap<number, number>): PruningGroup[] {
  const pruned: PruningGroup[] = [];
  for (const [groupId, keep] of counts) {
    const group = graph.groups[groupId];
    if (!group) throw new PrunebenchError(`the plan named group ${groupId}, but the model has groups 0 … ${graph.groups.length - 1}`);
    if (!Number.isInteger(keep) || keep < 1 || keep > group.channels) {
      throw new PrunebenchError(`the plan keeps ${keep} of ${group.channels} channels of group ${groupId}: must be 1 … ${group.channels}`);
    }
    if (keep === group.channels) continue;
    if (!group.prunable) throw new UsageError(`the plan prunes group ${groupId} (${group.producers.join(', ')}), which cannot be pruned: ${group.reasons.join('; ')}`);
    pruned.push(group);
  }
  return pruned;
}

/**
 * Scores + plan → prune result: in each group the plan prunes, the `counts.get(id)` channels of
 * highest score (ties to the lower index, `topScoring`); the physically smaller model
 * (`applyKeptChannels`), the channels kept and every prunable group's before/after, as a
 * structured pruner returns them. `scores` needs an entry for each group the plan prunes.
 */
export function pruneResultFromScores(model: LayersModel, graph: ChannelGraph, counts: ReadonlyMap<number, number>, scores: ReadonlyMap<number, ArrayLike<number>>): PruneResult & { keptChannels: Map<number, number[]> } {
  const kept = new Map<number, number[]>();
  for (const group of prunedGroups(graph, counts)) {
    const groupScores = scores.get(group.id);
    if (!groupScores) throw new PrunebenchError(`no scores for group ${group.id} (${group.producers.join(', ')}), which the plan prunes`);
    kept.set(group.id, topScoring(groupScores, counts.get(group.id)!));
  }
  const groups: GroupPruning[] = graph.groups
    .filter((g) => g.prunable)
    .map((g) => ({ group: g.id, layers: g.producers, convIndices: g.convIndices, kept: kept.get(g.id)?.length ?? g.channels, total: g.channels }));
  return { model: applyKeptChannels(model, graph, kept), keptChannels: kept, groups };
}
