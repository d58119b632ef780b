import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { container } from 'tsyringe';
import { createComponent, type Dataset, type ModelFactory } from '@prunebench/core';
import { batching, expandStudy, openStudy, selectBackend, train } from '@prunebench/harness';
import { BUILTIN_PLUGIN_MODULES } from '../../packages/cli/src/builtins';

const configs = fs.readdirSync(__dirname).filter((name) => /\.config\.(json|ya?ml|js|ts)$/.test(name));

/** CIFAR-10 binary files in their exact format: per record 1 label byte + 3072 pixel bytes (R, G, B planes). */
function writeCifar10(dir: string, recordsPerFile: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const files = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
  files.forEach((name, f) => {
    const bytes = Buffer.alloc(recordsPerFile * 3073);
    for (let r = 0; r < recordsPerFile; r++) {
      bytes[r * 3073] = (r + f) % 10;
      for (let p = 1; p < 3073; p++) bytes[r * 3073 + p] = (p * 7 + r * 13 + f) % 256;
    }
    fs.writeFileSync(path.join(dir, name), bytes);
  });
}

describe('reference study configs (benchmarks/studies)', () => {
  it('are all here', () => {
    expect(configs).toEqual(
      expect.arrayContaining(['cifar10-vgg16-pfec.config.json', 'cifar10-resnet56-pfec.config.json', 'fashion-mnist-960-smoke.config.json', 'fashion-mnist-reference.config.json']),
    );
  });

  it('fashion-mnist-reference has the design of issue 31 (what its results are checked for: report/reference-design.ts)', async () => {
    const env = await openStudy({ configFile: path.join(__dirname, 'fashion-mnist-reference.config.json'), dir: __dirname, builtinModules: BUILTIN_PLUGIN_MODULES, overrides: {} });
    const { study } = env;
    expect(study.dataset.options.testSize).toBeUndefined(); // the full 10,000-image test set
    expect(study.dataset.options.validationSize).toBeGreaterThan(0);
    expect(study.seeds.length).toBeGreaterThanOrEqual(4);
    expect(study.budgets.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...study.budgets)).toBeGreaterThanOrEqual(10);
    expect(study.schedules.map((s) => s.id)).toEqual(['ft', 'lrw', 'slr', 'clr']);
    expect(study.pruners.map((p) => p.id)).toEqual(['l1', 'random']);
    // Random pruned to l1's architecture: the same score-independent plan (uniform keeps the same counts).
    expect(study.pruners[1].options.plan).toEqual(study.pruners[0].options.plan);
    expect((study.pruners[0].options.plan as { use: string }).use).toBe('uniform');
    expect(study.baselines).toEqual(expect.arrayContaining(['pruned', 'scratch-e']));
  });

  it.each(configs)('%s loads and validates against the built-in plugins', async (name) => {
    const env = await openStudy({ configFile: path.join(__dirname, name), dir: __dirname, builtinModules: BUILTIN_PLUGIN_MODULES, overrides: {} });
    const jobs = expandStudy(env.study);
    const { seeds, pruners, schedules, budgets } = env.study;
    const scratch = (env.study.baselines ?? []).filter((b) => b.startsWith('scratch-')).length;
    expect(jobs).toHaveLength(seeds.length * (1 + pruners.length * (1 + scratch + schedules.length * budgets.length)));
    expect(schedules.map((s) => s.id)).toEqual(['ft', 'lrw', 'slr', 'clr']);
    expect(seeds.length).toBeGreaterThanOrEqual(3);
    expect(budgets.length).toBeGreaterThanOrEqual(2);
  });

  describe.each(configs.filter((name) => name.startsWith('cifar10-')))('%s on generated CIFAR-10 files', (name) => {
    it('builds its model on the dataset and takes one training step', async () => {
      const data = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-cifar-'));
      writeCifar10(data, 4);
      const env = await openStudy({ configFile: path.join(__dirname, name), dir: __dirname, builtinModules: BUILTIN_PLUGIN_MODULES, overrides: {} });
      const { study, registry } = env;
      expect(study.original).toEqual(expect.objectContaining({ epochs: 160, lr: 0.1, milestones: [80, 120], batchSize: 64, momentum: 0.9, weightDecay: 1e-4, dropLast: false }));
      // As the reference (PyTorch's DataLoader) batches CIFAR-10: 782 steps per epoch, the last of 16 examples.
      expect(batching(50_000, study.original.batchSize, study.original.dropLast).stepsPerEpoch).toBe(782);
      await selectBackend('wasm');
      const dataset = createComponent<Dataset>(container, registry, 'dataset', study.dataset.id, { ...study.dataset.options, path: data });
      const info = await dataset.load();
      expect(info.inputShape).toEqual([32, 32, 3]);
      const model = createComponent<ModelFactory>(container, registry, 'model', study.model.id, study.model.options).build({
        inputShape: info.inputShape,
        numClasses: info.numClasses,
        seed: 0,
      });
      try {
        const result = await train(model, { data: { dataset }, batchSize: 4, hyperparameters: [{ lr: 0.01, momentum: 0.9 }], weightDecay: 1e-4 });
        expect(result.status).toBe('completed');
        expect(result.steps).toBe(1);
      } finally {
        model.dispose();
        fs.rmSync(data, { recursive: true, force: true });
      }
    }, 120_000);
  });
});
