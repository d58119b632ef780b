import assert from 'node:assert/strict';
import type { Dataset } from '../interfaces/dataset';
import type { RunLedger } from '../ledger/run-ledger';
import type { ConformanceCheck } from './component-checks';
import { expectNoLeakedTensors } from './environment';
import { TinyDataset } from './tiny-fixtures';

/** One scoring of the kit's net by a criterion or weight score, as its suite's checks read it. */
export interface ScoringRun {
  scores: number[][];
  /** Whether scoring changed the model's weights. */
  changed: boolean;
  requirements: { needsData: boolean; needsGradients: boolean };
  ledger: RunLedger;
  dataset: Dataset;
}

/**
 * The checks criteria and weight scores share: finite scores of the right length (checked in
 * `scoreAll`) leaving the model as it was, deterministic without leaks, data read only as declared.
 * `what` names the component (`a criterion`), `scored` what each score covers.
 */
export function scoringChecks(what: string, scored: string, scoreAll: () => Promise<ScoringRun>): ConformanceCheck[] {
  return [
    {
      name: `scores every ${scored}, leaving the model as it was`,
      run: async () => {
        const { scores, changed } = await scoreAll();
        assert.ok(scores.length > 0);
        assert.ok(!changed, 'scoring changed the weights (or BatchNorm statistics) of the model: use training-mode helpers, which restore them');
      },
    },
    {
      name: 'is deterministic with a seed and leaks no tensors',
      run: async () => {
        const first = await scoreAll();
        const second = await expectNoLeakedTensors('scoring', scoreAll);
        assert.deepEqual(second.scores, first.scores, 'the same seed must give the same scores');
      },
    },
    {
      name: 'reads data only if it says so, through the helpers (which charge the ledger)',
      run: async () => {
        const { requirements, ledger, dataset } = await scoreAll();
        const served = dataset instanceof TinyDataset ? dataset.served : undefined;
        if (requirements.needsData) assert.ok(ledger.entries.extraForwardSamples > 0, `${what} that needs data should read calibration batches (context.helpers.calibrationBatches)`);
        else {
          assert.equal(ledger.entries.extraForwardSamples, 0, `${what} that declares needsData: false ran forward passes`);
          if (served !== undefined) assert.equal(served, 0, `${what} that declares needsData: false read the dataset`);
        }
        if (!requirements.needsGradients) assert.equal(ledger.entries.extraBackwardSamples, 0, `${what} without needsGradients ran backward passes`);
      },
    },
  ];
}
