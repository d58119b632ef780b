// Every built-in pruner against the conformance kit, exactly as a third-party pruner runs it:
// plans come from the registry (this plugin's), pruning runs on the kit's small conv net with
// a residual add, a flatten → dense link and calibration data from the kit's tiny dataset.
import { describePrunerConformance } from '@prunebench/core/testing';
import { plugin } from './index';

const structured = { plan: { use: 'uniform', ratio: 0.5 } };
const sampleOptions: Record<string, Record<string, unknown>> = {
  taylor: { ...structured, batches: 2, batchSize: 8 },
  magnitude: { sparsity: 0.5 },
  'random-weights': { sparsity: 0.5 },
};
const invalidOptions: Record<string, Array<Record<string, unknown>>> = {
  magnitude: [{ sparsity: 1.5 }, {}],
  'random-weights': [{ sparsity: -0.1 }],
  l1: [{ plan: 'no-such-plan' }, { plan: { use: 'uniform', ratio: 2 } }],
  taylor: [{ ...structured, batches: 0 }],
};

for (const componentClass of plugin.pruners) {
  describePrunerConformance({
    componentClass,
    options: sampleOptions[componentClass.id] ?? structured,
    invalidOptions: invalidOptions[componentClass.id],
    plugins: [plugin],
  });
}
