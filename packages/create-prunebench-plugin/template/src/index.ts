import { definePlugin, PLUGIN_API_VERSION } from '@prunebench/core';
import { MaxAbsCriterion } from './max-abs-criterion';
import { WarmupCosineSchedule } from './warmup-cosine-schedule';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { name, version } = require('../package.json') as { name: string; version: string };

export { MaxAbsCriterion, WarmupCosineSchedule };

/** The plugin object prunebench loads by name (`"plugins": ["__NAME__"]`). */
export const plugin = definePlugin({ name, version, apiVersion: PLUGIN_API_VERSION, criteria: [MaxAbsCriterion], schedules: [WarmupCosineSchedule] });

export default plugin;
