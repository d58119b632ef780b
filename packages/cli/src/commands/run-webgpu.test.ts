// A study end to end on `--backend webgpu` (SwiftShader, a software adapter): it trains, records
// the adapter in every run's identity, resumes, and a worker on another backend refuses its runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backendMismatch, readStudyFile, selectBackend } from '@prunebench/harness';
import { describeOnSwiftShader } from '../../../harness/src/backend/test-swiftshader';
import { main } from '../main';
import { collectingIo } from '../test-io';
import { tinyStudyConfig } from '../test-study';

describeOnSwiftShader('a study on --backend webgpu', __filename, () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-webgpu-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const out = path.join(root, 'results');
  const configFile = path.join(root, 'prunebench.config.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify(
      tinyStudyConfig(out, {
        // LeNet-5 on 12×12 images: few distinct kernels, for SwiftShader compiles each one on the CPU.
        dataset: { use: 'synthetic', inputShape: [12, 12, 1], numClasses: 2, trainSize: 16, testSize: 8, noise: 0.3 },
        model: 'lenet5',
        original: { epochs: 1, batchSize: 8, lr: 0.05, milestones: [], gamma: 0.1, momentum: 0.9, weightDecay: 1e-4 },
        pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }],
        schedules: ['ft'],
        backend: 'auto',
      }),
    ),
  );

  it('trains, records the adapter in each run, and resumes without redoing anything', async () => {
    const io = collectingIo();
    expect(await main(['run', '--config', configFile, '--backend', 'webgpu'], io)).toBe(0);
    expect(io.stdout()).toMatch(/backend webgpu on google swiftshader .*— software adapter: .*\(as configured\)/i);
    const records = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => r.kind).sort()).toEqual(['original', 'prune', 'retrain']);
    for (const record of records) expect(record.status).toBe('finished');
    const run = JSON.parse(fs.readFileSync(path.join(out, 'runs', records.find((r) => r.kind === 'retrain').id, 'run.json'), 'utf8'));
    expect(JSON.stringify(run)).toMatch(/webgpu: @tensorflow\/tfjs-backend-webgpu@4\.22\.0 on Dawn \(webgpu@[\d.]+\) on google swiftshader/i);

    const before = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8');
    const again = collectingIo();
    expect(await main(['run', '--config', configFile, '--backend', 'webgpu'], again)).toBe(0);
    expect(again.stdout()).toMatch(/Resuming: 3 runs already finished are kept/);
    expect(fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8')).toBe(before);
  }, 240_000);

  it('a worker on another backend refuses its runs, naming both', async () => {
    const studyFile = readStudyFile(out)!;
    const wasm = await selectBackend('wasm');
    expect(backendMismatch(studyFile.study, wasm)).toMatch(/^this worker got backend wasm: .*, but the study runs on webgpu: .* on google swiftshader/i);
  });
}, 300_000);
