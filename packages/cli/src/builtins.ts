import { type PrunebenchPlugin, type PluginSource } from '@prunebench/core';
import { loadBuiltinPlugins } from '@prunebench/harness';

/**
 * The built-in plugin packages, wired in by the CLI exactly as loaded third-party ones are.
 * Resolved here, from the CLI, to files that worker threads can load as well.
 */
export const BUILTIN_PLUGIN_MODULES: string[] = [
  require.resolve('@prunebench/schedules'),
  require.resolve('@prunebench/pruners'),
  require.resolve('@prunebench/models'),
  require.resolve('@prunebench/datasets'),
];

export function builtinPlugins(): Array<{ plugin: PrunebenchPlugin; source: PluginSource }> {
  return loadBuiltinPlugins(BUILTIN_PLUGIN_MODULES);
}
