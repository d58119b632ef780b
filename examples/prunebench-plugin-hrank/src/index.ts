import { definePlugin, PLUGIN_API_VERSION } from '@prunebench/core';
import { HRankCriterion } from './hrank';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { name, version } = require('../package.json') as { name: string; version: string };

export { HRankCriterion, type HRankOptions } from './hrank';
export { matrixRank, FLOAT32_EPSILON } from './matrix-rank';
export { featureMapTaps, addFeatureMapRanks } from './feature-maps';

/** The plugin: prunebench loads it as `"plugins": ["hrank"]`; configs write `{ "use": "hrank", "plan": ... }`. */
export const plugin = definePlugin({ name, version, apiVersion: PLUGIN_API_VERSION, criteria: [HRankCriterion] });

export default plugin;
