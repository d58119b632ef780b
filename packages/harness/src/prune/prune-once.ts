import type { LayersModel } from '@tensorflow/tfjs-layers';
import { createPruneContext, type Dataset, type PruneResult, type Pruner, type RunLedger } from '@prunebench/core';
import { selectionEntries } from '../study/iterative';

/** A one-shot pruning's result, with the channels kept as `[group, kept channels]` entries (a scratch baseline's input). */
export type OnceResult = PruneResult & { selections: Array<Array<[number, number[]]>> };

/**
 * One pruning of `original`, as both `pruneModel` and a study's one-shot prune job run it: the
 * pruner's context (data only when given, the seed, the ledger) and its wall time charged to
 * the ledger's `prune` phase.
 */
export async function pruneOnce(original: LayersModel, pruner: Pruner, run: { dataset?: Dataset; seed: number; ledger: RunLedger }): Promise<OnceResult> {
  const result = await run.ledger.time('prune', () => pruner.prune(original, createPruneContext(run)));
  return { ...result, selections: result.keptChannels ? [selectionEntries(result.keptChannels)] : [] };
}
