import { definePlugin, PLUGIN_API_VERSION } from '@prunebench/core';
import { BnScalePruner } from './criteria/bn-scale';
import { FpgmPruner } from './criteria/fpgm';
import { L1Pruner } from './criteria/l1';
import { L2Pruner } from './criteria/l2';
import { RandomPruner } from './criteria/random';
import { TaylorPruner } from './criteria/taylor';
import { GlobalPlan } from './plans/global';
import { PerLayerPlan } from './plans/per-layer';
import { PfecAPlan, PfecBPlan, PfecCPlan, PfecDPlan } from './plans/pfec';
import { UniformPlan } from './plans/uniform';
import { MagnitudePruner } from './unstructured/magnitude';
import { RandomWeightsPruner } from './unstructured/random-weights';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { name, version } = require('../package.json') as { name: string; version: string };

export { BnScalePruner, FpgmPruner, L1Pruner, L2Pruner, RandomPruner, TaylorPruner };
export { MagnitudePruner, RandomWeightsPruner };
export { GlobalPlan, PerLayerPlan, PfecAPlan, PfecBPlan, PfecCPlan, PfecDPlan, UniformPlan };
export {
  StructuredPruner,
  createPlan,
  planOptionSchema,
  structuredOptionsSchema,
  type PlanEntry,
  type StructuredPrunerOptions,
} from './criteria/structured-pruner';
export { l1FilterScores, l2FilterScores, fpgmFilterScores } from './criteria/kernel-norms';
export { WeightLevelPruner, type WeightLevelOptions } from './unstructured/weight-level-pruner';
export { applyWeightMasks, maskSparsity } from './util/masks';
export { selectTopK, keepCount } from './util/select';
export { cloneModel } from './util/clone-model';

/** The built-in pruners and plans, as a plugin like any third party's. */
export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  pruners: [L1Pruner, L2Pruner, RandomPruner, TaylorPruner, BnScalePruner, FpgmPruner, MagnitudePruner, RandomWeightsPruner],
  plans: [UniformPlan, PerLayerPlan, GlobalPlan, PfecAPlan, PfecBPlan, PfecCPlan, PfecDPlan],
});

export default plugin;
