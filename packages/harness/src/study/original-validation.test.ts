import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PrunebenchConfig } from '@prunebench/core';
import * as training from '../training/train';
import { runStudy } from './run-study';
import type { RunRecord } from './record';

// The original of a study with a validation split evaluates it after every epoch into its
// history.csv (validationTop1, the plateau measure of report/reference-design.ts), and its
// training is unchanged by that: the same study with the per-epoch evaluation taken out records
// the same steps, samples, metrics and downstream results. A whole tiny study on wasm.
const packages = path.join(__dirname, '..', '..', '..');
const BUILTINS = ['schedules', 'pruners', 'models', 'datasets'].map((name) => path.join(packages, name, 'src', 'index.ts'));

const config = (validationSize: number): PrunebenchConfig => ({
  dataset: { use: 'synthetic', inputShape: [12, 12, 1], numClasses: 4, trainSize: 48, testSize: 24, validationSize, noise: 0.4 },
  model: 'vgg-small',
  original: { epochs: 3, batchSize: 16, lr: 0.05, milestones: [2], gamma: 0.1, momentum: 0.9, weightDecay: 1e-4 },
  pruners: [{ use: 'random', plan: { use: 'uniform', ratio: 0.5 } }],
  schedules: ['ft'],
  budgets: [1],
  seeds: [2],
  backend: 'wasm',
  workers: 1,
});

async function run(inline: PrunebenchConfig) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-original-validation-'));
  const outcome = await runStudy({ configFile: null, inlineConfig: { ...inline, out }, dir: out, builtinModules: BUILTINS, overrides: {} }, { write: () => {}, isTTY: false });
  const records = fs.readdirSync(path.join(out, 'runs')).map((id) => JSON.parse(fs.readFileSync(path.join(out, 'runs', id, 'run.json'), 'utf8')) as RunRecord);
  const original = records.find((r) => r.kind === 'original')!;
  const csv = fs.readFileSync(path.join(out, 'runs', original.id, 'history.csv'), 'utf8').trim().split('\n');
  const keys = csv[0].split(',');
  const rows = csv.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i], v])));
  fs.rmSync(out, { recursive: true, force: true });
  return { outcome, records, original, keys, rows };
}

describe("the original's per-epoch validation accuracy (issue 31)", () => {
  let validated: Awaited<ReturnType<typeof run>>;
  let without: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    validated = await run(config(24));
    // The same study with the trainer's per-epoch evaluation taken out.
    const train = training.train;
    const spy = jest.spyOn(training, 'train').mockImplementation((model, options) => train(model, { ...options, evaluateEpoch: undefined }));
    try {
      without = await run(config(24));
    } finally {
      spy.mockRestore();
    }
  }, 240_000);

  it('writes validationLoss and validationTop1 for every epoch; the last is the final validation evaluation', () => {
    expect(validated.outcome.failed).toBe(0);
    expect(validated.keys).toEqual(expect.arrayContaining(['accuracy', 'validationLoss', 'validationTop1']));
    expect(validated.rows.map((r) => r.epoch)).toEqual(['0', '1', '2']);
    const top1 = validated.rows.map((r) => Number(r.validationTop1));
    // On 24 examples: whole multiples of 1/24, in [0, 1].
    for (const v of top1) expect(Math.abs(v * 24 - Math.round(v * 24))).toBeLessThan(1e-9);
    // After the last epoch the model is the one the harness evaluates for the record, independently.
    const final = validated.original.metrics!.validation!;
    expect(final.examples).toBe(24);
    expect(top1[2]).toBe(final.top1);
    expect(Number(validated.rows[2].validationLoss)).toBeCloseTo(final.loss, 6);
    // Charged as evaluation.
    expect(validated.original.ledger!.wallTimeMs.evaluate).toBeGreaterThan(without.original.ledger!.wallTimeMs.evaluate ?? 0);
  });

  it('changes nothing of training: the same steps, samples, metrics, history and downstream results', () => {
    expect(without.keys).not.toContain('validationTop1');
    expect(validated.original.id).toBe(without.original.id);
    const ledger = (r: RunRecord) => ({ ...r.ledger, wallTimeMs: undefined });
    expect(ledger(validated.original)).toEqual(ledger(without.original));
    expect(validated.original.plannedSteps).toBe(without.original.plannedSteps);
    expect(validated.original.metrics).toEqual(without.original.metrics);
    const trainingColumns = (rows: Array<Record<string, string>>) => rows.map((r) => [r.epoch, r.steps, r.samples, r.loss, r.accuracy, r.lr]);
    expect(trainingColumns(validated.rows)).toEqual(trainingColumns(without.rows));
    // Pruning and retraining start from the same weights, so they record the same results too.
    const results = (rs: RunRecord[]) => rs.map((r) => [r.kind, r.id, r.metrics]).sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    expect(results(validated.records)).toEqual(results(without.records));
  });

  it('a study without a validation split keeps the history as it was', async () => {
    const plain = await run(config(0));
    expect(plain.outcome.failed).toBe(0);
    expect(plain.keys).not.toContain('validationTop1');
    expect(plain.original.metrics!.validation).toBeUndefined();
  }, 120_000);
});
