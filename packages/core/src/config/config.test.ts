import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';
import { Registry } from '../plugin/registry';
import { fakePlugin } from '../plugin/test-fixtures';
import { resolveConfigComponents } from './resolve';
import { configErrorMessages } from './test-helpers';
import { keyPath, validateConfigStructure } from './validate';

const messages = configErrorMessages;

describe('config structure', () => {
  it('turns JSON pointers into key paths', () => {
    expect(keyPath('', '/schedules/2/ratio')).toBe('schedules[2].ratio');
    expect(keyPath('pruners[0]', '/plan')).toBe('pruners[0].plan');
    expect(keyPath('', '')).toBe('');
  });

  it('accepts a full config', () => {
    expect(() =>
      validateConfigStructure({
        plugins: ['snip', './local.js'],
        dataset: { use: 'fashion-mnist', trainSize: 1000 },
        model: 'vgg-small',
        original: { preset: 'cifar', epochs: 10, batchSize: 64 },
        pruners: [{ use: 'l1', plan: 'uniform' }, 'random'],
        schedules: ['ft', 'lrw', 'slr', { use: 'clr', cycleMomentum: false }],
        budgets: [4, 8],
        seeds: [0, 1, 2],
        backend: 'wasm',
        workers: 2,
        out: 'results',
      }),
    ).not.toThrow();
  });

  it('names a typo\'d key and the key it probably meant', () => {
    expect(messages(() => validateConfigStructure({ schedles: ['ft'] }))).toEqual([
      expect.stringMatching(/^schedles: unknown key "schedles" — did you mean "schedules"\?/),
    ]);
    expect(messages(() => validateConfigStructure({ original: { epoch: 3 } }))[0]).toMatch(
      /^original\.epoch: unknown key "epoch" — did you mean "epochs"\?/,
    );
  });

  it('gives key paths, types and ranges, all at once', () => {
    const found = messages(() =>
      validateConfigStructure({ budgets: [10, -1], backend: 4, workers: 'two', schedules: ['ft', { cycleMomentum: true }] }),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^budgets\[1\]: must be >= 1 \(got -1\)/),
        // The names a backend may have are the harness's (its studyConfigSchema); core checks the type.
        expect.stringMatching(/^backend: must be string/),
        expect.stringMatching(/^workers: must be integer \(got "two"\)/),
        expect.stringMatching(/^schedules\[1\]\.use: is required/),
      ]),
    );
  });

  it('validates a pruner entry\'s iterative key with key paths and "did you mean"', () => {
    expect(() =>
      validateConfigStructure({
        pruners: [{ use: 'l1', plan: 'uniform', iterative: { steps: 3, retrainEpochs: 2, schedule: 'lrw', rewindEpoch: 1 } }],
        baselines: ['random', 'pruned', 'scratch-e', 'scratch-b'],
        referenceSchedule: 'ft',
      }),
    ).not.toThrow();
    const found = messages(() =>
      validateConfigStructure({ pruners: [{ use: 'l1', iterative: { step: 3 } }, { use: 'l2', iterative: { steps: 0 } }] }),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pruners\[0\]\.iterative\.step: unknown key "step" — did you mean "steps"\?/),
        expect.stringMatching(/^pruners\[1\]\.iterative\.steps: must be >= 1/),
      ]),
    );
  });

  it('checks component names and options against the registry', () => {
    const registry = new Registry();
    registry.add(fakePlugin(), { packageName: 'prunebench-plugin-fake' });
    const found = messages(() =>
      resolveConfigComponents(
        { schedules: ['fake-constant', 'clr', 'clrr', { use: 'fake-constant', lr: 0 }, { use: 'clr', lrr: 1 }] },
        registry,
      ),
    );
    expect(found).toEqual([
      expect.stringMatching(/^schedules\[2\]: unknown schedule "clrr" — did you mean "clr"\?/),
      expect.stringMatching(/^schedules\[3\]\.lr: must be > 0 \(got 0\) \(options of schedule "fake-constant"\)/),
      expect.stringMatching(/^schedules\[4\]\.lrr: unknown key "lrr" — did you mean "lr"\?/),
    ]);
    const ok = resolveConfigComponents({ schedules: [{ use: 'clr', lr: 0.2 }, 'clr'] }, registry);
    expect(ok.schedules).toEqual([
      { id: 'clr', options: { lr: 0.2 } },
      { id: 'clr', options: { lr: 0.01 } },
    ]);
  });
});
