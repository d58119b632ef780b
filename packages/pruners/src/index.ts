import { definePlugin, PLUGIN_API_VERSION } from '@prunebench/core';
import { BnScaleCriterion } from './criteria/bn-scale';
import { FpgmCriterion, L1Criterion, L2Criterion } from './criteria/norms';
import { RandomCriterion } from './criteria/random';
import { Taylor2017Criterion, TaylorAliasCriterion } from './criteria/taylor-2017';
import { TaylorFo2019Criterion } from './criteria/taylor-fo-2019';
import { ThiNetCriterion } from './criteria/thinet';
import { ObdCCriterion } from './criteria/obd-c';
import { LampScore } from './unstructured/lamp';
import { GroupLassoRegularizer, GrowingRegRegularizer, SlimmingRegularizer } from './regularizers/regularizers';
import { GlobalPlan } from './plans/global';
import { PerLayerPlan } from './plans/per-layer';
import { PfecAPlan, PfecBPlan, PfecCPlan, PfecDPlan } from './plans/pfec';
import { UniformPlan } from './plans/uniform';
import { StructuredPruner } from './structured/structured-pruner';
import { SoftFilterPretrainedPruner, SoftFilterPruner } from './soft-filter/sfp';
import { TaylorFoIterativePruner } from './iterative/taylor-fo-iterative';
import { MaskPruner } from './unstructured/mask-pruner';
import { MagnitudeScore, RandomWeightsScore } from './unstructured/weight-scores';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { name, version } = require('../package.json') as { name: string; version: string };

export { StructuredPruner, type StructuredPrunerOptions } from './structured/structured-pruner';
export { MaskPruner, type MaskPrunerOptions } from './unstructured/mask-pruner';
export { SoftFilterPruner, SoftFilterPretrainedPruner, type SoftFilterOptions } from './soft-filter/sfp';
export { TaylorFoIterativePruner, type TaylorFoIterativeOptions } from './iterative/taylor-fo-iterative';
export { L1Criterion, L2Criterion, FpgmCriterion, BnScaleCriterion, RandomCriterion, Taylor2017Criterion, TaylorAliasCriterion, TaylorFo2019Criterion, ThiNetCriterion, ObdCCriterion };
export { MagnitudeScore, RandomWeightsScore, LampScore };
export { SlimmingRegularizer, GroupLassoRegularizer, GrowingRegRegularizer };
export { GlobalPlan, PerLayerPlan, PfecAPlan, PfecBPlan, PfecCPlan, PfecDPlan, UniformPlan };
export { l1FilterScores, l2FilterScores, fpgmFilterScores } from './criteria/kernel-norms';
export { maskSparsity } from './util/masks';
export { keepCount } from './util/ranking';

/** The built-in pruners, criteria, weight scores and plans, as a plugin like any third party's. */
export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  pruners: [StructuredPruner, MaskPruner, SoftFilterPruner, SoftFilterPretrainedPruner, TaylorFoIterativePruner],
  criteria: [L1Criterion, L2Criterion, RandomCriterion, Taylor2017Criterion, TaylorAliasCriterion, TaylorFo2019Criterion, BnScaleCriterion, FpgmCriterion, ThiNetCriterion, ObdCCriterion],
  weightScores: [MagnitudeScore, RandomWeightsScore, LampScore],
  plans: [UniformPlan, PerLayerPlan, GlobalPlan, PfecAPlan, PfecBPlan, PfecCPlan, PfecDPlan],
  regularizers: [SlimmingRegularizer, GroupLassoRegularizer, GrowingRegRegularizer],
});

export default plugin;
