import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { countCost, type Dataset, type ModelFactory } from '@prunebench/core';
import { evaluate, parseMasks, selectBackend } from '@prunebench/harness';
import { plugin as models } from '@prunebench/models';
import { StructuredPruner } from '@prunebench/pruners';
import { SyntheticDataset } from '@prunebench/datasets';
import { main } from '../main';
import { collectingIo } from '../test-io';
import { modelArtifacts, modelFromArtifacts, readModelArtifacts, writeModelFiles, type PruningReport } from '@prunebench/harness';

const repo = path.resolve(__dirname, '..', '..', '..', '..');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-prune-'));
/** Quick timings: the tests check that latency is measured, not how fast anything is. */
const FAST = ['--backend', 'wasm', '--latency-runs', '1', '--throughput-batch', '2'];

beforeAll(async () => {
  await selectBackend('wasm');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function saveModel(dir: string, model: tfl.LayersModel): Promise<string> {
  writeModelFiles(dir, await modelArtifacts(model));
  model.dispose();
  return dir;
}

function buildModel(id: string, options: Record<string, unknown>, inputShape: number[], numClasses = 4): tfl.LayersModel {
  const modelClass = models.models!.find((m) => m.id === id)!;
  const factory = new modelClass(options) as ModelFactory;
  return factory.build({ inputShape, numClasses, seed: 3 });
}

async function prune(args: string[]) {
  const io = collectingIo();
  const code = await main(['prune', ...args], io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const readReport = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'pruning.json'), 'utf8')) as PruningReport;

// Every built-in architecture but the ImageNet ResNets (10–30 s a build), narrow and tiny.
const narrowVgg = (convs: number) => {
  const n = (convs - 4) / 3;
  const block = (k: number, width: number) => Array.from({ length: k }, () => width);
  return [...block(2, 8), 'M', ...block(2, 8), 'M', ...block(n, 8), 'M', ...block(n, 8), 'M', ...block(n, 8)];
};
const ARCHITECTURES: Array<{ id: string; options?: Record<string, unknown>; input: number[] }> = [
  { id: 'lenet5', input: [28, 28, 1] },
  { id: 'vgg-small', options: { widths: [4, 'M', 8, 'M'], hiddenUnits: 8 }, input: [8, 8, 1] },
  { id: 'vgg16', options: { widths: narrowVgg(13), classifierWidth: 8 }, input: [16, 16, 3] },
  { id: 'vgg19', options: { widths: narrowVgg(16), classifierWidth: 8 }, input: [16, 16, 3] },
  { id: 'resnet20', input: [8, 8, 3] },
  { id: 'resnet32', input: [8, 8, 3] },
  { id: 'resnet44', input: [8, 8, 3] },
  { id: 'resnet56', input: [8, 8, 3] },
  { id: 'resnet110', input: [8, 8, 3] },
];

/** Loads each model as a browser would (tf.loadLayersModel over http) in a fresh Node process and engine. */
function predictInFreshProcess(dirs: string[], inputs: number[][]): number[][] {
  const script = `
    require('@tensorflow/tfjs-backend-wasm');
    require('@prunebench/models'); // registers ChannelZeroPad, as a plugin would
    const tf = require('@tensorflow/tfjs-core');
    const tfl = require('@tensorflow/tfjs-layers');
    const fs = require('node:fs');
    const fetchFunc = async (url) => new Response(fs.readFileSync(new URL(url).pathname.replace(/^\\/files/, '')));
    (async () => {
      await tf.setBackend('wasm');
      const [dirs, inputs] = JSON.parse(process.argv[1]);
      const outputs = [];
      for (let i = 0; i < dirs.length; i++) {
        const model = await tfl.loadLayersModel('http://localhost/files' + dirs[i] + '/model.json', { fetchFunc });
        const y = model.predict(tf.ones([1, ...inputs[i]]));
        outputs.push(Array.from(await y.data()));
      }
      process.stdout.write(JSON.stringify(outputs));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const stdout = execFileSync(process.execPath, ['-e', script, JSON.stringify([dirs, inputs])], { cwd: repo, encoding: 'utf8' });
  return JSON.parse(stdout);
}

describe('prunebench prune', () => {
  beforeAll(() => {
    // The fresh process loads the compiled models package (ChannelZeroPad); tsc -b is a no-op after a build.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', path.join(repo, 'packages', 'models')], { stdio: 'inherit' });
  }, 120_000);

  it('prunes a saved model of every built-in architecture; the result reloads in a fresh engine and predicts', async () => {
    const outs: string[] = [];
    const expected: number[][] = [];
    for (const { id, options = {}, input } of ARCHITECTURES) {
      const dir = await saveModel(path.join(root, 'models', id), buildModel(id, options, input));
      const out = path.join(root, 'pruned', id);
      const result = await prune([dir, '--criterion', 'l1', '--plan', 'uniform', '--ratio', '0.5', '--out', out, '--json', ...FAST]);
      expect({ id, code: result.code, stderr: result.stderr }).toEqual({ id, code: 0, stderr: '' });
      const report = JSON.parse(result.stdout) as PruningReport;
      expect(report).toEqual(readReport(out));
      expect(report.cost.after.params).toBeLessThan(report.cost.before.params);
      expect(report.cost.after.macs).toBeLessThan(report.cost.before.macs);
      expect(report.check).toMatchObject({ passed: true });
      expect(report.groups.some((g) => g.kept < g.total)).toBe(true);
      for (const g of report.groups) expect(g.keptChannels).toHaveLength(g.kept);
      expect(report.versions).toMatchObject({ backend: 'wasm', acceleratedWasmKernels: true, tfjs: tf.version_core });
      expect(report.versions.plugins.map((p) => p.name)).toEqual(expect.arrayContaining(['@prunebench/pruners', '@prunebench/models']));
      expect(report.latency!.pruned.map((l) => l.batchSize)).toEqual([1, 2]);
      // The saved model, read back here, has the pruned shapes and the report's cost.
      const saved = await modelFromArtifacts(readModelArtifacts(out), out);
      expect(countCost(saved).params).toBe(report.cost.after.params);
      const y = saved.predict(tf.ones([1, ...input])) as tf.Tensor;
      expected.push(Array.from(await y.data()));
      tf.dispose([y]);
      saved.dispose();
      outs.push(out);
    }
    const fresh = predictInFreshProcess(outs, ARCHITECTURES.map((a) => a.input));
    fresh.forEach((values, i) => {
      expect(values).toHaveLength(4);
      values.forEach((v, k) => expect(v).toBeCloseTo(expected[i][k], 4));
    });
  }, 120_000);

  /** conv → (the layer under test) → flatten → dense, as a Keras user would build it. */
  async function savedModelWith(name: string, middle: tfl.layers.Layer): Promise<string> {
    const input = tfl.input({ shape: [8, 8, 2] });
    let x = tfl.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
    x = middle.apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ name: 'head', units: 3 }).apply(tfl.layers.flatten().apply(x)) as tfl.SymbolicTensor;
    return saveModel(path.join(root, 'unknown', name), tfl.model({ inputs: input, outputs: x }));
  }

  it('prunes around a layer the channel graph does not trace, saying so; with nothing left to prune, refuses naming it (exit 2)', async () => {
    // Reproduces issue 29: one Reshape made prune refuse the whole model.
    const input = tfl.input({ shape: [8, 8, 2] });
    let x = tfl.layers.conv2d({ name: 'conv_a', filters: 6, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
    x = tfl.layers.conv2d({ name: 'conv_b', filters: 4, kernelSize: 3, padding: 'same' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.reshape({ name: 'reshape', targetShape: [64, 4] }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ name: 'head', units: 3 }).apply(tfl.layers.flatten().apply(x)) as tfl.SymbolicTensor;
    const dir = await saveModel(path.join(root, 'models', 'reshape'), tfl.model({ inputs: input, outputs: x }));
    const out = path.join(root, 'reshape-out');
    const result = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', '--out', out, ...FAST]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const report = readReport(out);
    expect(report.leftWhole).toEqual([{ layer: 'reshape', className: 'Reshape' }]);
    expect(report.groups.find((g) => g.layers.includes('conv_a'))).toMatchObject({ kept: 3, total: 6 });
    expect(report.groups.find((g) => g.layers.includes('conv_b'))).toBeUndefined();
    expect(report.check).toMatchObject({ passed: true });
    expect(result.stdout).toMatch(/left whole: the channels around "reshape" \(Reshape\)/);

    // Here the only conv feeds the untraced layer: nothing can be pruned, and the message says why.
    const transposed = await savedModelWith('transpose', tfl.layers.conv2dTranspose({ name: 'upsample', filters: 4, kernelSize: 2, strides: 2 }));
    const refused = await prune([transposed, '--plan', 'uniform', '--ratio', '0.5', '--out', path.join(root, 'unknown-out'), ...FAST]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/prunes nothing[\s\S]*"upsample" \(Conv2DTranspose\)[\s\S]*layer rule/);
    expect(fs.existsSync(path.join(root, 'unknown-out'))).toBe(false);
  });

  it('refuses a plan that prunes nothing, naming the option that would: layers=all for a Dense-only model (exit 2)', async () => {
    // Reproduces issue 29: `uniform` covers convs only, so a Dense-only model came out unchanged with exit 0.
    const input = tfl.input({ shape: [20] });
    let x = tfl.layers.dense({ name: 'fc1', units: 16, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ name: 'fc2', units: 8, activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ name: 'fc3', units: 3 }).apply(x) as tfl.SymbolicTensor;
    const dir = await saveModel(path.join(root, 'models', 'mlp'), tfl.model({ inputs: input, outputs: x }));
    const out = path.join(root, 'mlp-out');
    const refused = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', '--out', out, ...FAST]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/prunes nothing[\s\S]*"fc1", "fc2" \(dense layers\)\. Give --plan-option layers=all/);
    expect(fs.existsSync(out)).toBe(false);
    const tiny = await prune([dir, '--plan', 'uniform', '--ratio', '0', '--plan-option', 'layers=all', '--out', out, ...FAST]);
    expect(tiny.code).toBe(2);
    expect(tiny.stderr).toMatch(/keeps every channel[\s\S]*larger ratio/);
    const dense = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', '--plan-option', 'layers=all', '--out', out, ...FAST]);
    expect({ code: dense.code, stderr: dense.stderr }).toEqual({ code: 0, stderr: '' });
    expect(readReport(out).groups.map((g) => [g.layers[0], g.kept, g.total])).toEqual([['fc1', 8, 16], ['fc2', 4, 8]]);
  });

  it('--finetune takes your own data: a CSV of features and labels', async () => {
    // Issue 29: fine-tuning on your own data was missing.
    const input = tfl.input({ shape: [6] });
    let x = tfl.layers.dense({ name: 'fc1', units: 12, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ name: 'fc2', units: 3 }).apply(x) as tfl.SymbolicTensor;
    const dir = await saveModel(path.join(root, 'models', 'tabular'), tfl.model({ inputs: input, outputs: x }));
    const csv = path.join(root, 'tabular.csv');
    const rows = Array.from({ length: 60 }, (_, i) => [...Array.from({ length: 6 }, (_, f) => ((i * 7 + f * 3) % 11) / 10 + (f === i % 3 ? 2 : 0)), ['low', 'mid', 'high'][i % 3]].join(','));
    fs.writeFileSync(csv, ['f0,f1,f2,f3,f4,f5,level', ...rows].join('\n'));
    const out = path.join(root, 'tabular-out');
    const dataset = JSON.stringify({ use: 'csv', path: csv, testFraction: 0.25 });
    const result = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', '--plan-option', 'layers=all', '--finetune', '--dataset', dataset, '--epochs', '2', '--batch-size', '9', '--out', out, ...FAST]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const report = readReport(out);
    expect(report.dataset).toMatchObject({ use: 'csv', path: csv, testFraction: 0.25 });
    expect(report.finetune).toMatchObject({ status: 'completed', epochs: 2, stepsPerEpoch: 5, steps: 10, samples: 90 });
    expect(report.accuracy!.original.test.samples).toBe(15);
    expect(report.groups).toEqual([expect.objectContaining({ layers: ['fc1'], kept: 6, total: 12 })]);
  });

  it('--dry-run prunes, counts and checks a model.json without timing, tuning or saving anything', async () => {
    const dir = await saveModel(path.join(root, 'models', 'dry'), buildModel('lenet5', {}, [28, 28, 1]));
    const out = path.join(root, 'dry-out');
    const json = await prune([path.join(dir, 'model.json'), '--plan', 'uniform', '--ratio', '0.5', '--out', out, '--dry-run', '--json', ...FAST]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as PruningReport;
    expect(report).toMatchObject({ dryRun: true, check: { passed: true } });
    expect(report.latency).toBeUndefined();
    expect(report.cost.after.macs).toBeLessThan(report.cost.before.macs);
    const text = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', '--out', out, '--dry-run', ...FAST]);
    expect(text.stdout).toMatch(/^dry run: would prune /);
    expect(text.stdout).toMatch(/g1\s+conv1\s+1\s+3 \/ 6/);
    expect(text.stdout).toMatch(/dry run: nothing was saved\n$/);
    expect(text.stdout).not.toMatch(/latency/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses a custom layer class registered with tfjs but not with the graph, and one registered nowhere (exit 2)', async () => {
    class TestScale extends tfl.layers.Layer {
      static readonly className = 'TestScale';
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        return tf.tidy(() => tf.mul([inputs].flat()[0], 2));
      }
    }
    tf.serialization.registerClass(TestScale);
    const dir = await savedModelWith('custom', new TestScale({ name: 'scale' }));
    const known = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', '--out', path.join(root, 'custom-out'), ...FAST]);
    expect(known.code).toBe(2);
    expect(known.stderr).toMatch(/layer "scale" is of class "TestScale", which has no layer rule[\s\S]*registerLayerRule/);

    const file = path.join(dir, 'model.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"TestScale"/g, '"NobodysLayer"'));
    const unknown = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', '--out', path.join(root, 'custom-out'), ...FAST]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/layer class "NobodysLayer", which no loaded plugin registers[\s\S]*--config/);
  });

  it('loads the plugins of --config before the model, so the layer classes they register are known', async () => {
    // Saved under a class of this test, renamed to the class only the plugin registers (the plugin
    // module is loaded by nothing but --config here, so without it the class is unknown).
    class StandIn extends tfl.layers.Layer {
      static readonly className = 'PruneTestStandIn';
    }
    tf.serialization.registerClass(StandIn);
    const dir = await savedModelWith('from-plugin', new StandIn({ name: 'double' }));
    const file = path.join(dir, 'model.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"PruneTestStandIn"/g, '"PluginDouble"'));
    const without = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', ...FAST]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/layer class "PluginDouble", which no loaded plugin registers/);

    const configFile = path.join(root, 'plugin-config.json');
    fs.writeFileSync(configFile, JSON.stringify({ plugins: [path.join(__dirname, 'prune-test-plugin.ts')] }));
    const withPlugin = await prune([dir, '--config', configFile, '--plan', 'uniform', '--ratio', '0.5', ...FAST]);
    // Now the class loads; the channel graph has no rule for it, so the model is refused as such.
    expect(withPlugin.code).toBe(2);
    expect(withPlugin.stderr).toMatch(/layer "double" is of class "PluginDouble", which has no layer rule/);
  });

  it('weight-level pruning saves the masked weights and the masks', async () => {
    const dir = await saveModel(path.join(root, 'models', 'masked'), buildModel('vgg-small', { widths: [4, 'M', 8, 'M'], hiddenUnits: 8 }, [8, 8, 1]));
    const out = path.join(root, 'masked-out');
    const result = await prune([dir, '--criterion', 'magnitude', '--sparsity', '0.5', '--out', out, ...FAST]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/non-zero/);
    const report = readReport(out);
    expect(report.structured).toBe(false);
    expect(report.cost.after.params).toBe(report.cost.before.params);
    expect(report.cost.after.nonZeroParams).toBeLessThan(report.cost.before.params);
    const masks = parseMasks(fs.readFileSync(path.join(out, 'masks.bin')));
    expect([...masks.keys()].sort()).toEqual([...report.masks!.weights].sort());
    const saved = await modelFromArtifacts(readModelArtifacts(out), out);
    for (const [name, mask] of masks) {
      const values = saved.weights.find((w) => w.originalName === name)!.read().dataSync();
      const zeroed = mask.reduce((n, m) => n + (m === 0 ? 1 : 0), 0);
      expect(zeroed).toBeGreaterThan(0);
      mask.forEach((m, i) => m === 0 && expect(values[i]).toBe(0));
    }
    saved.dispose();
  });

  it('--finetune retrains the pruned model on the dataset with the schedule, under a ledger, and saves the fine-tuned model', async () => {
    const dir = await saveModel(path.join(root, 'models', 'tune'), buildModel('vgg-small', { widths: [4, 'M', 8, 'M'], hiddenUnits: 8 }, [8, 8, 1], 3));
    const out = path.join(root, 'tuned');
    const dataset = { use: 'synthetic', inputShape: [8, 8, 1], numClasses: 3, trainSize: 96, testSize: 32 };
    const tensors = tf.memory().numTensors;
    const result = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', '--finetune', '--dataset', JSON.stringify(dataset), '--epochs', '1', '--batch-size', '32', '--out', out, ...FAST]);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/done: fine-tune l1\/uniform with clr, 1 epoch\(s\) — test top-1/);
    const report = readReport(out);
    expect(report.finetune).toMatchObject({ status: 'completed', steps: 3, samples: 96, stepsPerEpoch: 3, epochs: 1, schedule: { use: 'clr' } });
    expect(report.ledger.optimizerSteps).toBe(3);
    expect(report.ledger.samples).toBe(96);
    expect(report.ledger.wallTimeMs.prune).toBeGreaterThan(0);
    // The saved weights are the fine-tuned ones: reloaded, they score what the report says.
    const saved = await modelFromArtifacts(readModelArtifacts(out), out);
    const data = new SyntheticDataset({ ...dataset, validationSize: 0, noise: 0.5, seed: 0 } as never) as Dataset;
    await data.load();
    const evaluation = await evaluate(saved, data, 'test', 256);
    expect(evaluation.top1).toBeCloseTo(report.finetune!.after!.test.top1, 6);
    expect(evaluation.loss).toBeCloseTo(report.finetune!.after!.test.loss, 4);
    expect(evaluation.loss).not.toBeCloseTo(report.finetune!.before.test.loss, 4);
    saved.dispose();
  });

  it('--finetune with --config takes the config\'s dataset, original recipe and first budget', async () => {
    const dir = await saveModel(path.join(root, 'models', 'tune-config'), buildModel('vgg-small', { widths: [4, 'M', 8, 'M'], hiddenUnits: 8 }, [8, 8, 1], 3));
    const configFile = path.join(root, 'tune-config.json');
    const original = { epochs: 4, lr: 0.02, milestones: [2], gamma: 0.1, batchSize: 24, momentum: 0.8, weightDecay: 0 };
    fs.writeFileSync(configFile, JSON.stringify({ dataset: { use: 'synthetic', inputShape: [8, 8, 1], numClasses: 3, trainSize: 72, testSize: 24 }, original, budgets: [2] }));
    const out = path.join(root, 'tuned-from-config');
    const result = await prune([dir, '--config', configFile, '--plan', 'uniform', '--ratio', '0.5', '--finetune', '--schedule', 'ft', '--out', out, ...FAST]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = readReport(out);
    expect(report.dataset).toMatchObject({ use: 'synthetic', trainSize: 72 });
    expect(report.finetune).toMatchObject({ epochs: 2, stepsPerEpoch: 3, steps: 6, schedule: { use: 'ft' }, recipe: original });
    // Without --finetune the config's dataset is not needed, so it is not used.
    const plain = await prune([dir, '--config', configFile, '--plan', 'uniform', '--ratio', '0.5', '--out', path.join(root, 'plain-from-config'), ...FAST]);
    expect(plain.code).toBe(0);
    expect(readReport(path.join(root, 'plain-from-config'))).not.toHaveProperty('dataset');
    // FT: the original's last LR throughout.
    expect(report.finetune!.history.map((h) => h.lr)).toEqual([0.002, 0.002].map((lr) => expect.closeTo(lr, 10)));
  });

  it('a data-driven criterion scores on --dataset, its passes charged to the ledger; without data it is refused', async () => {
    const dir = await saveModel(path.join(root, 'models', 'taylor'), buildModel('vgg-small', { widths: [4, 'M', 8, 'M'], hiddenUnits: 8 }, [8, 8, 1], 3));
    const dataset = JSON.stringify({ use: 'synthetic', inputShape: [8, 8, 1], numClasses: 3, trainSize: 32, testSize: 16 });
    const args = [dir, '--criterion', 'taylor', '--criterion-option', 'batches=2', '--criterion-option', 'batchSize=8', '--plan', 'uniform', '--ratio', '0.5'];
    const refused = await prune([...args, ...FAST]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--criterion taylor scores channels on data: give --dataset/);
    const out = path.join(root, 'taylor-out');
    const result = await prune([...args, '--dataset', dataset, '--out', out, ...FAST]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = readReport(out);
    expect(report.pruner).toMatchObject({ use: 'taylor', batches: 2, batchSize: 8 });
    expect(report.ledger.extraForwardSamples).toBe(16);
    expect(report.ledger.extraBackwardSamples).toBe(16);
    expect(report.accuracy!.pruned.test.samples).toBe(16);
  });

  it('refuses to save a pruned model whose outputs do not match the zeroed original (exit 1)', async () => {
    const dir = await saveModel(path.join(root, 'models', 'broken'), buildModel('lenet5', {}, [28, 28, 1]));
    const out = path.join(root, 'broken-out');
    const real = StructuredPruner.prototype.prune;
    const scaled = async function (this: StructuredPruner, model: tfl.LayersModel, context: Parameters<StructuredPruner['prune']>[1]) {
      const result = await real.call(this, model, context);
      // A pruner bug: one kept filter of conv2 comes out scaled.
      const layer = result.model.getLayer('conv2');
      const [kernel, bias] = layer.getWeights();
      const times = tf.tidy(() => tf.mul(kernel, 1.5));
      layer.setWeights([times, bias]);
      times.dispose();
      return result;
    };
    const spy = jest.spyOn(StructuredPruner.prototype, 'prune').mockImplementation(scaled);
    try {
      const result = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', '--out', out, ...FAST]);
      expect(spy).toHaveBeenCalled();
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/outputs differ from the original's with the pruned channels zeroed by .*nothing was saved/);
      expect(fs.existsSync(out)).toBe(false);
    } finally {
      spy.mockRestore();
    }
    // A pruner that trains the network itself changes the kept weights: no zeroed-original check, and the report says so.
    const training = jest.spyOn(StructuredPruner.prototype, 'prune').mockImplementation(async function (this: StructuredPruner, model, context) {
      const result = await scaled.call(this, model, context);
      Object.assign(this.requirements, { trainsItself: true });
      return result;
    });
    try {
      const trainsOut = path.join(root, 'trains-out');
      const result = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', '--out', trainsOut, ...FAST]);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/check: skipped: pruner "l1" trains the network itself/);
      expect(readReport(trainsOut).check).toEqual({ skipped: expect.stringMatching(/trains the network itself/) });
    } finally {
      training.mockRestore();
    }
    // A structured pruner that does not say which channels it kept cannot be checked: refused too.
    const silent = jest.spyOn(StructuredPruner.prototype, 'prune').mockImplementation(async function (this: StructuredPruner, model, context) {
      const { keptChannels: _keptChannels, ...rest } = await real.call(this, model, context);
      return rest;
    });
    try {
      const result = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', '--out', out, ...FAST]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/did not return the channels it kept \(PruneResult\.keptChannels\)/);
      expect(fs.existsSync(out)).toBe(false);
    } finally {
      silent.mockRestore();
    }
  });

  it('--json prints one JSON document and nothing else; text mode names the groups, the cost, the check and the latency', async () => {
    const dir = await saveModel(path.join(root, 'models', 'json'), buildModel('lenet5', {}, [28, 28, 1]));
    const json = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', '--out', path.join(root, 'json-out'), '--json', ...FAST]);
    expect(json.code).toBe(0);
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    expect(json.stdout.trim().startsWith('{') && json.stdout.trim().endsWith('}')).toBe(true);
    const tensors = tf.memory().numTensors;
    const text = await prune([dir, '--plan', 'uniform', '--ratio', '0.5', '--out', path.join(root, 'json-out'), ...FAST]);
    expect(text.code).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(text.stdout).toMatch(/g1\s+conv1\s+1\s+3 \/ 6/);
    expect(text.stdout).toMatch(/MACs\s+416,016 → 153,216 \(−63\.17%\)/);
    expect(text.stdout).toMatch(/check: outputs match/);
    expect(text.stdout).toMatch(/wrote .*json-out\/: model\.json, pruning\.json and 1 weight shard\n$/);
    expect(text.stdout).toMatch(/latency on wasm, ms: median \(interquartile range\)[\s\S]*\n1\s+[\d.]+ \([\d.]+–[\d.]+\)\s+[\d.]+ \([\d.]+–[\d.]+\)\s+[\d.]+×[\s\S]*\n2\s+/);
  });

  it('usage errors name the flag and the closest known name (exit 2)', async () => {
    const dir = await saveModel(path.join(root, 'models', 'usage'), buildModel('lenet5', {}, [28, 28, 1]));
    const cases: Array<[string[], RegExp]> = [
      [['--criterion', 'l11', '--plan', 'uniform', '--ratio', '0.5'], /--criterion: unknown pruner "l11" — did you mean "l1"\?/],
      [['--plan', 'unifrm', '--ratio', '0.5'], /--plan: unknown plan "unifrm" — did you mean "uniform"\?/],
      [['--plan', 'uniform', '--plan-option', 'ratio=3'], /--plan: ratio: must be < 1/],
      [['--criterion', 'magnitude', '--plan', 'uniform'], /takes no plan.*--sparsity/],
      [['--criterion', 'l1'], /needs a plan/],
      [['--plan', 'uniform', '--ratio', '0.5', '--finetune'], /--finetune needs data/],
      [['--plan', 'uniform', '--ratio', '0.5', '--epochs', '2'], /--epochs is a fine-tuning option/],
      [['--plan', 'uniform', '--ratio', '0.5', '--finetune', '--dataset', 'synthetic', '--epochs', '1'], /dataset "synthetic" gives 8x8x1 inputs and 3 classes, but the model takes 28x28x1/],
      [['--plan', 'uniform', '--ratio', '0.5', '--out', dir], /the input model's own folder/],
    ];
    for (const [args, message] of cases) {
      const result = await prune([dir, ...args, ...FAST]);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
    }
    const missing = await prune([path.join(root, 'nothing'), '--plan', 'uniform', '--ratio', '0.5']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no TF\.js model at/);
  });
});
