import type { PrunebenchPlugin, PluginSource } from '@prunebench/core';
import datasets from '@prunebench/datasets';
import models from '@prunebench/models';
import pruners from '@prunebench/pruners';
import schedules from '@prunebench/schedules';

/** The built-in plugin packages, wired in by the CLI exactly as loaded third-party ones are. */
export function builtinPlugins(): Array<{ plugin: PrunebenchPlugin; source: PluginSource }> {
  return [schedules, pruners, models, datasets].map((plugin) => ({
    plugin,
    source: { packageName: plugin.name, packageVersion: plugin.version },
  }));
}
