import { Registry, ConfigErrors, originalPreset } from '@prunebench/core';
import { SCRATCH_FLOPS_COUNTED, addRandomCounterparts, randomCounterpart, scratchEpochs } from './baselines';
import { checkIterative, extractIterative, iterativeLabelSuffix, rewindEpochs, stepSparsity, stepTargets, auditIterative, type PrunerEntry } from './iterative';

const groups = [
  { group: 0, layers: ['conv1'], convIndices: [1], kept: 8, total: 16 },
  { group: 1, layers: ['conv2'], convIndices: [2], kept: 27, total: 64 },
  { group: 2, layers: ['conv3'], convIndices: [3], kept: 10, total: 10 },
];

describe('iterative pruning steps', () => {
  it('reaches the one-shot counts geometrically and exactly at the last step', () => {
    expect([...stepTargets(groups, 1, 3)]).toEqual([['conv1', Math.round(16 * 0.5 ** (1 / 3))], ['conv2', Math.round(64 * (27 / 64) ** (1 / 3))], ['conv3', 10]]);
    expect([...stepTargets(groups, 2, 3).values()]).toEqual([Math.round(16 * 0.5 ** (2 / 3)), 36, 10]);
    expect([...stepTargets(groups, 3, 3).values()]).toEqual([8, 27, 10]);
    // Monotone: every step keeps at most what the step before kept.
    for (let s = 1; s < 5; s++) {
      const a = [...stepTargets(groups, s, 5).values()];
      const b = [...stepTargets(groups, s + 1, 5).values()];
      a.forEach((v, i) => expect(b[i]).toBeLessThanOrEqual(v));
    }
  });

  it('raises a weight-level sparsity step by step to the final one', () => {
    expect(stepSparsity(0.75, 1, 2)).toBeCloseTo(0.5, 12);
    expect(stepSparsity(0.75, 2, 2)).toBe(0.75);
    expect(stepSparsity(0.9, 1, 1)).toBe(0.9);
  });

  it('labels and lists the rewind epochs originals must keep, and completes Renda\'s retraining (T − k epochs)', () => {
    const lrw = { id: 'lrw', options: {} };
    // checkIterative completes the specs it is given: a fresh set for each recipe.
    const fresh = (): PrunerEntry[] => [
      { id: 'l1', options: {}, iterative: { steps: 3, retrainEpochs: 0, schedule: lrw, rewindEpoch: 2, retrainFromEpoch: 2 } },
      { id: 'l2', options: {}, iterative: { steps: 1, retrainEpochs: 0, schedule: lrw, rewindEpoch: 0, retrainFromEpoch: 0 } },
      { id: 'l1', options: {} },
    ];
    const pruners = fresh();
    expect(rewindEpochs(pruners)).toEqual([0, 2]);
    expect(iterativeLabelSuffix(pruners[1].iterative)).toBe(' (one shot, rewind 0)');
    expect(() => checkIterative(fresh(), { epochs: 2 })).toThrow(/pruners\[0\]\.iterative\.rewindEpoch: must be before the end of the original's 2 epochs, so that T − k epochs are left to retrain \(got 2\)/);
    expect(() => checkIterative(fresh(), { epochs: 4, checkpoint: '/x' })).toThrow(/weight rewinding needs the original trained by the study/);
    expect(() => checkIterative(pruners, { epochs: 4 })).not.toThrow();
    expect(pruners[0].iterative!.retrainEpochs).toBe(2);
    expect(pruners[1].iterative!.retrainEpochs).toBe(4);
    expect(iterativeLabelSuffix(pruners[0].iterative)).toBe(' (3 steps × 2 ep lrw, rewind 2)');
    const given: PrunerEntry[] = [{ id: 'l1', options: {}, iterative: { steps: 3, retrainEpochs: 1, schedule: lrw, rewindEpoch: 1, retrainFromEpoch: 1 } }];
    expect(() => checkIterative(given, { epochs: 10 })).toThrow(/retrainEpochs: rewinding to epoch 1 as Renda et al\. retrains T − k = 10 − 1 = 9 epochs/);
  });

  it("expands Renda et al.'s presets: weight rewinding rewinds the weights, LR rewinding only the schedule; both retrain with lrw", () => {
    const registry = new Registry();
    class Lrw { static id = 'lrw'; static optionsSchema = { type: 'object', properties: {} }; }
    class Ft { static id = 'ft'; static optionsSchema = { type: 'object', properties: {} }; }
    registry.add({ name: 'fake', version: '1.0.0', apiVersion: 2, schedules: [Lrw, Ft] } as never, { packageName: 'fake' });
    const { iterative } = extractIterative({ pruners: [
      { use: 'l1', iterative: { preset: 'renda-weight-rewinding', steps: 3, rewindEpoch: 2 } },
      { use: 'l1', iterative: { preset: 'renda-lr-rewinding', steps: 3, rewindEpoch: 2 } },
    ] }, registry);
    expect(iterative[0]).toEqual({ preset: 'renda-weight-rewinding', steps: 3, retrainEpochs: 0, schedule: { id: 'lrw', options: {} }, rewindEpoch: 2, retrainFromEpoch: 2 });
    expect(iterative[1]).toEqual({ preset: 'renda-lr-rewinding', steps: 3, retrainEpochs: 0, schedule: { id: 'lrw', options: {} }, retrainFromEpoch: 2 });
    const pruners = iterative.map((spec) => ({ id: 'l1', options: {}, iterative: spec }));
    checkIterative(pruners, { epochs: 10, checkpoint: undefined });
    expect(pruners.map((p) => p.iterative!.retrainEpochs)).toEqual([8, 8]);
    expect(rewindEpochs(pruners)).toEqual([2]);
    expect(iterativeLabelSuffix(pruners[0].iterative)).toBe(' (weight rewinding to epoch 2, 3 rounds)');
    expect(iterativeLabelSuffix(pruners[1].iterative)).toBe(' (LR rewinding to epoch 2, 3 rounds)');
    // LR rewinding keeps the pruned weights, so a given checkpoint is fine.
    expect(() => checkIterative([{ id: 'l1', options: {}, iterative: { ...iterative[1]!, retrainEpochs: 0 } }], { epochs: 10, checkpoint: '/x' })).not.toThrow();
    expect(() => extractIterative({ pruners: [{ use: 'l1', iterative: { preset: 'renda-weight-rewinding', steps: 2 } }] }, registry)).toThrow(/rewindEpoch: preset "renda-weight-rewinding" rewinds to an epoch k/);
    expect(() => extractIterative({ pruners: [{ use: 'l1', iterative: { steps: 2, rewindEpoch: 1, schedule: 'ft' } }] }, registry)).toThrow(/schedule: rewinding as Renda et al\. retrains under the original schedule from epoch 1, which is "lrw"/);
  });

  it("takes the harness's iterative key off pruner entries and checks its schedule against the registry", () => {
    const registry = new Registry();
    class Lrw { static id = 'lrw'; static optionsSchema = { type: 'object', properties: {} }; }
    registry.add({ name: 'fake', version: '1.0.0', apiVersion: 2, schedules: [Lrw] } as never, { packageName: 'fake' });
    const { config, iterative } = extractIterative({ pruners: ['l1', { use: 'l1', plan: 'uniform', iterative: { steps: 2 } }] }, registry);
    expect(config.pruners).toEqual(['l1', { use: 'l1', plan: 'uniform' }]);
    expect(iterative[0]).toBeUndefined();
    expect(iterative[1]).toEqual({ steps: 2, retrainEpochs: 1, schedule: { id: 'lrw', options: {} } });
    try {
      extractIterative({ pruners: [{ use: 'l1', iterative: { steps: 2, schedule: 'lrww' } }] }, registry);
      throw new Error('expected ConfigErrors');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigErrors);
      expect(String((error as Error).message)).toMatch(/pruners\[0\]\.iterative\.schedule: unknown schedule "lrww" — did you mean "lrw"\?/);
    }
  });

  it('audits the retraining between steps', () => {
    const record = (id: string, optimizerSteps: number, samples: number) => ({
      id, kind: 'prune', status: 'finished', pruner: 'l1', seed: 0, definition: { iterative: { batchSize: 8 } },
      iterative: { steps: 2, retrainEpochs: 1, schedule: 'lrw', rewindEpoch: null, plannedSteps: 4, optimizerSteps, samples, scheduleDigest: '', log: [] },
    });
    expect(auditIterative([record('a', 4, 32), record('b', 4, 32)])).toEqual([]);
    expect(auditIterative([record('a', 4, 32), record('b', 3, 24)])).toEqual([
      'b (l1, seed 0) took 3 steps of retraining between prunings but planned 4',
      'b took 3 steps of retraining between prunings, a took 4 under the same iterative schedule',
    ]);
    expect(auditIterative([record('a', 4, 30)])).toEqual(['a (l1, seed 0) retrained on 30 samples between prunings, not 4 × 8']);
  });
});

describe('baselines', () => {
  const plan = { use: 'uniform', ratio: 0.5 };
  it('pairs a criterion with the random pruner of the same plan and iterative schedule only', () => {
    const pruners: PrunerEntry[] = [
      { id: 'l1', options: { plan } },
      { id: 'random', options: { plan: { use: 'uniform', ratio: 0.25 } } },
      { id: 'random', options: { plan } },
      { id: 'magnitude', options: { sparsity: 0.9, scope: 'global', includeDense: false } },
    ];
    expect(randomCounterpart(pruners[0], pruners)).toBe(pruners[2]);
    expect(randomCounterpart(pruners[3], pruners)).toBeUndefined();
    expect(randomCounterpart({ ...pruners[0], iterative: { steps: 2, retrainEpochs: 1, schedule: { id: 'lrw', options: {} } } }, pruners)).toBeUndefined();
  });

  it('scales Scratch-B by the FLOPs saved, never below the original epochs', () => {
    expect(scratchEpochs('scratch-e', 160, 4e8, 1e8)).toEqual({ epochs: 160, factor: 1, flopsRatio: 4, capped: false });
    expect(scratchEpochs('scratch-b', 160, 4e8, 1e8)).toEqual({ epochs: 640, factor: 4, flopsRatio: 4, capped: false });
    expect(scratchEpochs('scratch-b', 10, 3e8, 2e8)).toEqual({ epochs: 15, factor: 1.5, flopsRatio: 1.5, capped: false });
    expect(scratchEpochs('scratch-b', 10, 1e8, 1e8).epochs).toBe(10);
  });

  it("caps ImageNet's Scratch-B at 180 epochs when the FLOPs ratio is 2 or more (Liu et al.), and only then", () => {
    const cap = originalPreset('imagenet').scratchBMaxFactor;
    expect(cap).toBe(2);
    expect(scratchEpochs('scratch-b', 90, 4e9, 1e9, cap)).toEqual({ epochs: 180, factor: 2, flopsRatio: 4, capped: true });
    expect(scratchEpochs('scratch-b', 90, 2e9, 1e9, cap)).toEqual({ epochs: 180, factor: 2, flopsRatio: 2, capped: false });
    expect(scratchEpochs('scratch-b', 90, 1.5e9, 1e9, cap)).toEqual({ epochs: 135, factor: 1.5, flopsRatio: 1.5, capped: false });
    expect(originalPreset('cifar').scratchBMaxFactor).toBeUndefined();
    expect(SCRATCH_FLOPS_COUNTED).toMatch(/multiply-accumulates of conv and dense/);
  });

  it('adds the random counterparts the study lacks, resolved like config entries', () => {
    const registry = new Registry();
    class Fake { static id = 'random'; static optionsSchema = { type: 'object', properties: { plan: {} } }; }
    class FakeWeights { static id = 'random-weights'; static optionsSchema = { type: 'object', properties: { sparsity: { type: 'number' }, scope: { default: 'global' } } }; }
    registry.add({ name: 'fake', version: '1.0.0', apiVersion: 2, pruners: [Fake, FakeWeights] } as never, { packageName: 'fake' });
    const out = addRandomCounterparts([{ id: 'l1', options: { plan } }, { id: 'magnitude', options: { sparsity: 0.9 } }, { id: 'random', options: { plan } }], registry);
    expect(out.map((p) => p.id)).toEqual(['l1', 'magnitude', 'random', 'random-weights']);
    expect(out[3].options).toEqual({ sparsity: 0.9, scope: 'global' });
  });
});
