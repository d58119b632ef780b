// Every built-in criterion, weight score and pruner against the conformance kit, exactly as a
// third-party one runs it: plans come from the registry (this plugin's), pruning runs on the
// kit's small conv net with a residual add, a flatten → dense link and the kit's tiny dataset.
import { describeCriterionConformance, describePlanConformance, describePrunerConformance, describeWeightScoreConformance, useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { plugin } from './index';

// The kit runs on the backend its caller sets up: the one users get.
beforeAll(() => useBackend(wasmBackend));

const calibration = { batches: 2, batchSize: 8 };
const criterionOptions: Record<string, Record<string, unknown>> = {
  taylor: calibration,
  'taylor-2017': calibration,
  'taylor-fo-2019': calibration,
  thinet: { ...calibration, samplesPerExample: 3 },
  'obd-c': calibration,
};
const invalidCriterionOptions: Record<string, Array<Record<string, unknown>>> = {
  'taylor-2017': [{ batches: 0 }],
  'taylor-fo-2019': [{ momentum: 1 }],
  thinet: [{ samplesPerExample: 0 }],
  'obd-c': [{ labels: 'model' }],
};

for (const componentClass of plugin.criteria) {
  describeCriterionConformance({
    componentClass,
    options: criterionOptions[componentClass.id] ?? {},
    invalidOptions: invalidCriterionOptions[componentClass.id],
    plugins: [plugin],
  });
}

const prunerOptions: Record<string, Record<string, unknown>> = {
  structured: { criterion: 'l1', plan: { use: 'uniform', ratio: 0.5 } },
  mask: { score: 'magnitude', sparsity: 0.5 },
  sfp: { plan: { use: 'uniform', ratio: 0.5 }, epochs: 2, batchSize: 16 },
  'sfp-pretrained': { plan: { use: 'uniform', ratio: 0.5 }, epochs: 2, batchSize: 16 },
  'taylor-fo-iterative': { ratio: 0.3, perIteration: 2, frequency: 1, batchSize: 8 },
};
const invalidPrunerOptions: Record<string, Array<Record<string, unknown>>> = {
  structured: [{ criterion: 'l1', plan: 'no-such-plan' }, { criterion: 'l1', plan: { use: 'uniform', ratio: 2 } }, { criterion: 'no-such-criterion' }],
  mask: [{ score: 'magnitude', sparsity: 1.5 }, { score: 'magnitude' }, { score: 'l1', sparsity: 0.5 }],
  sfp: [{ plan: 'no-such-plan' }, { epochs: 0 }],
  'sfp-pretrained': [{ milestoneFractions: [1.5] }],
  'taylor-fo-iterative': [{ ratio: 1 }, { frequency: 0 }],
};
for (const componentClass of plugin.pruners) {
  describePrunerConformance({ componentClass, options: prunerOptions[componentClass.id], invalidOptions: invalidPrunerOptions[componentClass.id], plugins: [plugin] });
}
// The weight scores on their own and as a config names them (the mask pruner around them),
// one threshold over all kernels and one per kernel.
for (const [i, componentClass] of plugin.weightScores.entries()) {
  describeWeightScoreConformance({ componentClass, plugins: [plugin], mask: { sparsity: 0.5, scope: i % 2 ? 'layer' : 'global', includeDense: i % 2 === 1 } });
}

// The plans that fit any net (the PFEC plans name VGG-16 / ResNet layers and refuse others).
describePlanConformance({ componentClass: plugin.plans.find((p) => p.id === 'uniform')!, options: { ratio: 0.5 }, invalidOptions: [{ ratio: 1 }], plugins: [plugin] });
describePlanConformance({ componentClass: plugin.plans.find((p) => p.id === 'global')!, options: { ratio: 0.5 }, invalidOptions: [{ ratio: -0.1 }], plugins: [plugin] });
