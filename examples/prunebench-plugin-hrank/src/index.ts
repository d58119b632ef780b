import { definePlugin, PLUGIN_API_VERSION } from '@prunebench/core';
import { HRankPruner } from './hrank-pruner';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { name, version } = require('../package.json') as { name: string; version: string };

export { HRankPruner, highestScores, type HRankOptions, type PlanEntry } from './hrank-pruner';
export { matrixRank, FLOAT32_EPSILON } from './matrix-rank';
export { featureMapTaps, sumFeatureMapRanks, type FeatureMapTap } from './feature-maps';

/** The plugin: prunebench loads it as `"plugins": ["hrank"]`, or a TS config passes it directly. */
export const plugin = definePlugin({ name, version, apiVersion: PLUGIN_API_VERSION, pruners: [HRankPruner] });

export default plugin;
