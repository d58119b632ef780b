import type { ComponentClass, ComponentKind } from '../interfaces/component';

/** The plugin API this core speaks. A plugin states the one it was written for. */
export const PLUGIN_API_VERSION = 1;

/**
 * A plugin: the default export of a package (or an object passed in a JS/TS config).
 * Every entry is an `@injectable()` component class with a static `id`.
 */
export interface PrunebenchPlugin {
  /** Usually the package name, e.g. `prunebench-plugin-hrank`. */
  name: string;
  version: string;
  /** The plugin API version it was written for: `PLUGIN_API_VERSION` when written. */
  apiVersion: number;
  pruners?: ComponentClass[];
  plans?: ComponentClass[];
  schedules?: ComponentClass[];
  models?: ComponentClass[];
  datasets?: ComponentClass[];
}

/** Where each component kind sits in a plugin object. */
export const PLUGIN_FIELDS: Record<ComponentKind, keyof PrunebenchPlugin> = {
  pruner: 'pruners',
  plan: 'plans',
  schedule: 'schedules',
  model: 'models',
  dataset: 'datasets',
};

/** Identity, for type checking and editor completion: `export default definePlugin({...})`. */
export function definePlugin<T extends PrunebenchPlugin>(plugin: T): T {
  return plugin;
}
