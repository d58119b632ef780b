import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sealRecord } from '@prunebench/harness';
import { main } from '../main';
import { collectingIo } from '../test-io';
import { tinyStudyConfig } from '../test-study';

describe('prunebench run / report', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-run-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('runs a study end to end, writes the results and resumes without redoing anything', async () => {
    const out = path.join(root, 'results');
    const configFile = path.join(root, 'prunebench.config.json');
    fs.writeFileSync(configFile, JSON.stringify(tinyStudyConfig(out)));
    const io = collectingIo();
    const code = await main(['run', '--config', configFile], io);
    expect(io.stderr()).not.toMatch(/Error/);
    expect(code).toBe(0);
    for (const file of ['summary.md', 'summary.csv', 'runs.csv', 'results.jsonl', 'report.html', 'study.json', 'figures/learning-rates.svg', 'figures/accuracy-vs-budget.svg']) {
      expect(fs.existsSync(path.join(out, file))).toBe(true);
    }
    // Both pruners remove the same FLOPs: no Pareto chart, and the report says why.
    expect(fs.existsSync(path.join(out, 'figures/accuracy-vs-macs.svg'))).toBe(false);
    expect(fs.readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/No accuracy-vs-FLOPs chart: every pruner of this study removes the same FLOPs/);
    const records = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.filter((r) => r.kind === 'retrain')).toHaveLength(4);
    for (const record of records) {
      expect(record.status).toBe('finished');
      expect(record.versions.backend).toBe('wasm');
    }
    const retrains = records.filter((r) => r.kind === 'retrain');
    expect(new Set(retrains.map((r) => `${r.ledger.optimizerSteps}/${r.ledger.samples}`)).size).toBe(1);
    expect(retrains[0].ledger.optimizerSteps).toBe(8); // 1 epoch × floor(256 / 32)
    // The original learned something (4 classes: chance is 25%). Its training accuracy, since in
    // 24 steps BatchNorm's moving statistics have not settled, so eval-mode test accuracy is
    // chance or not by the luck of the seed.
    const original = records.find((r) => r.kind === 'original');
    const history = fs.readFileSync(path.join(out, 'runs', original.id, 'history.csv'), 'utf8').trim().split('\n');
    expect(Number(history[history.length - 1].split(',')[4])).toBeGreaterThan(0.3);
    expect(original.metrics.test.top1).toEqual(expect.any(Number));
    const prune = records.find((r) => r.kind === 'prune');
    expect(prune.cost.after.params).toBeLessThan(prune.cost.before.params);
    const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/\| l1\/uniform \| clr \| 1 \|/);
    expect(summary).toMatch(/\| random\/uniform \| ft \| 1 \|/);
    // No "baselines" in this config: the pruned-not-retrained section is left out; one seed: no spread promised.
    expect(summary).not.toContain('## Pruned, not retrained');
    expect(summary).toMatch(/of a single seed: no spread can be shown/);
    expect(io.stdout()).toMatch(/Summary: .*summary\.md/);
    expect(io.stdout()).toMatch(/backend wasm with prunebench's training kernels \(as configured\)/);
    expect(io.stdout()).not.toMatch(/cpu backend is ~500× slower/);

    // Again: everything is found finished and kept as it was.
    const before = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8');
    const again = collectingIo();
    expect(await main(['run', '--config', configFile], again)).toBe(0);
    expect(again.stdout()).toMatch(/Resuming: 7 runs already finished are kept/);
    expect(fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8')).toBe(before);

    // The report rebuilds from the run folders alone.
    fs.rmSync(path.join(out, 'summary.md'));
    const report = collectingIo();
    expect(await main(['report', out], report)).toBe(0);
    expect(fs.readFileSync(path.join(out, 'summary.md'), 'utf8')).toBe(summary);
  });

  it('refuses to report a study whose retraining budgets differ, naming the run (exit 1)', async () => {
    const out = path.join(root, 'results');
    const runsDir = path.join(out, 'runs');
    const retrain = fs.readdirSync(runsDir).find((name) => name.startsWith('retrain-'))!;
    const file = path.join(runsDir, retrain, 'run.json');
    const record = JSON.parse(fs.readFileSync(file, 'utf8'));
    record.ledger.samples -= 32;
    // Sealed as a run that really took fewer samples would have written it (an unsealed edit is not trusted at all).
    fs.writeFileSync(file, JSON.stringify(sealRecord(record)));
    const io = collectingIo();
    expect(await main(['report', out], io)).toBe(1);
    expect(io.stderr()).toMatch(new RegExp(`refusing to write a summary that compares retraining runs of unequal budgets:[\\s\\S]*${retrain}`));
  });

  it('exits 2 for a report of a folder that is not a study', async () => {
    const io = collectingIo();
    expect(await main(['report', root + '/nothing-here'], io)).toBe(2);
    expect(io.stderr()).toMatch(/holds no study results/);
  });

  it('warns that training on the cpu backend is far slower, and names the backend chosen', async () => {
    const out = path.join(root, 'cpu-results');
    const configFile = path.join(root, 'cpu.config.json');
    const tiny = { model: { use: 'vgg-small', widths: [4, 'M', 8, 'M'], hiddenUnits: 8 }, dataset: { use: 'synthetic', inputShape: [8, 8, 1], numClasses: 2, trainSize: 16, testSize: 8 }, original: { epochs: 1, batchSize: 16, lr: 0.05, milestones: [], gamma: 0.1 } };
    fs.writeFileSync(configFile, JSON.stringify(tinyStudyConfig(out, { ...tiny, pruners: [{ use: 'l1', plan: 'uniform', ratio: 0.5 }], schedules: ['ft'], backend: 'cpu' })));
    const io = collectingIo();
    expect(await main(['run', '--config', configFile], io)).toBe(0);
    expect(io.stdout()).toMatch(/backend cpu \(as configured\)/);
    expect(io.stdout()).toMatch(/warning: training on the cpu backend is ~500× slower than wasm/);
  });

  it('exits 2 listing every config problem in one round: structure, components, plans, what a study needs', async () => {
    const configFile = path.join(root, 'broken.config.json');
    fs.writeFileSync(configFile, JSON.stringify({ budgets: [0], model: 'vgg-smal', pruners: [{ use: 'l1', plan: 'uniform', ratio: 2 }], schedules: ['ft'] }));
    const io = collectingIo();
    expect(await main(['run', '--config', configFile], io)).toBe(2);
    const stderr = io.stderr();
    expect(stderr).toMatch(/4 problems in the config/);
    expect(stderr).toMatch(/budgets\[0\]: must be >= 1/);
    expect(stderr).toMatch(/model: unknown model "vgg-smal" — did you mean "vgg-small"\?/);
    expect(stderr).toMatch(/pruners\[0\]\.plan\.ratio: must be < 1/);
    expect(stderr).toMatch(/dataset: is required to run a study/);
  });

  it('exits 2 for bad --workers and --backend values', async () => {
    for (const argv of [['run', '--workers', '0'], ['run', '--backend', 'webgl']]) {
      const io = collectingIo();
      expect(await main(argv, io)).toBe(2);
    }
  });
});
