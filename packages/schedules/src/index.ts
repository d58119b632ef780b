import { definePlugin, PLUGIN_API_VERSION } from '@prunebench/core';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { name, version } = require('../package.json') as { name: string; version: string };

/** The built-in schedules, as a plugin like any third party's. */
export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  schedules: [],
});

export default plugin;
