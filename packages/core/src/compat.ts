/**
 * Every deprecated name of plugin API 2, in one place: kept so plugins written against the old
 * names still build, removed at the next plugin API version (3). Nothing in this repository uses
 * them (`compat.test.ts` checks), so removing this file is the whole removal.
 */
import { applyKeptChannels } from './graph/apply-kept-channels';
import type { KeptChannels } from './graph/types';
import type { OriginalRecipe } from './interfaces/schedule';

/** @deprecated the old name of `KeptChannels` ("select" now means only choosing a backend); removed in plugin API 3. */
export type ChannelSelection = KeptChannels;

/** @deprecated the old name of `OriginalRecipe` ("schedule" means only a retraining schedule); removed in plugin API 3. */
export type OriginalSchedule = OriginalRecipe;

/** @deprecated the old name of `applyKeptChannels`; removed in plugin API 3. */
export const applyChannelSelection = applyKeptChannels;

/** The `flops` field `countCost` results carried before it was named for what it holds. */
export interface DeprecatedFlops {
  /** @deprecated the same number as `macs` (multiply-accumulates, not FLOPs); removed in plugin API 3. */
  readonly flops: number;
}

/**
 * `cost` with the deprecated `flops` field beside `macs`: a getter, not enumerable, so it is not
 * written into JSON records or compared by tests, and reading it is the only way to use it.
 */
export function withDeprecatedFlops<T extends { macs: number }>(cost: T): T & DeprecatedFlops {
  return Object.defineProperty(cost, 'flops', { get: () => cost.macs, enumerable: false }) as T & DeprecatedFlops;
}
