// @prunebench/core/testing: the conformance kit. Reusable jest suites every plugin of a kind
// must pass; run them in your plugin's tests (they call jest's describe / it / beforeAll).
export { describePrunerConformance, prunerConformanceChecks, type PrunerConformanceOptions } from './pruner';
export { describeCriterionConformance, criterionConformanceChecks, type CriterionConformanceOptions } from './criterion';
export { describeWeightScoreConformance, weightScoreConformanceChecks, type WeightScoreConformanceOptions, type MaskOptions } from './weight-score';
export { describeRegularizerConformance, regularizerConformanceChecks, type RegularizerConformanceOptions } from './regularizer';
export { describeScheduleConformance, scheduleConformanceChecks, type ScheduleConformanceOptions } from './schedule';
export { describePlanConformance, planConformanceChecks, type PlanConformanceOptions } from './plan';
export { describeLayerRuleConformance, layerRuleConformanceChecks, type LayerRuleConformanceOptions } from './layer-rule';
export { describeModelConformance, modelConformanceChecks, type ModelConformanceOptions } from './model';
export { describeDatasetConformance, datasetConformanceChecks, type DatasetConformanceOptions } from './dataset';
export { componentChecks, failedChecks, generatedInvalidOptions, type ConformanceCheck } from './component-checks';
export { conformanceEnvironment, useCpuBackend, expectNoLeakedTensors, type ConformanceSubject, type ConformanceEnvironment } from './environment';
export { conformanceConvNet, randomizeBatchNorms, TinyDataset } from './tiny-fixtures';
export { useBackend, describeBackendProviderConformance, backendProviderConformanceChecks, type BackendProviderConformanceOptions } from './backend';
