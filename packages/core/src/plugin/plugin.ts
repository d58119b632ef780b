import type { ComponentClass, ComponentKind } from '../interfaces/component';
import type { LayerRule } from '../graph/layer-rules';

/** The plugin API this core speaks. A plugin states the one it was written for. */
export const PLUGIN_API_VERSION = 2;

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
  /** Structured criteria: score a group's channels; the built-in structured pruner adds the plan. */
  criteria?: ComponentClass[];
  /** Unstructured criteria: score weights; the built-in mask pruner adds sparsity and scope. */
  weightScores?: ComponentClass[];
  plans?: ComponentClass[];
  /** Sparsity regularizers: a penalty trained into the original before a criterion prunes (the structured pruner's `regularizer`). */
  regularizers?: ComponentClass[];
  schedules?: ComponentClass[];
  models?: ComponentClass[];
  datasets?: ComponentClass[];
  /** How the channel graph handles this plugin's custom layer classes (see `registerLayerRule`). */
  layerRules?: LayerRule[];
}

/** Where each component kind sits in a plugin object. */
export const PLUGIN_FIELDS: Record<ComponentKind, keyof PrunebenchPlugin> = {
  pruner: 'pruners',
  criterion: 'criteria',
  'weight-score': 'weightScores',
  plan: 'plans',
  regularizer: 'regularizers',
  schedule: 'schedules',
  model: 'models',
  dataset: 'datasets',
};

/** Identity, for type checking and editor completion: `export default definePlugin({...})`. */
export function definePlugin<T extends PrunebenchPlugin>(plugin: T): T {
  return plugin;
}
