import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTinyStudy, type StudyRecord } from './test-tiny-study';

/**
 * A tiny study with every method of the PruningBench catalogue prunebench added (lamp, thinet,
 * obd-c, the three regularizers) and the procedures that train (taylor-fo-iterative, sfp,
 * sfp-pretrained), on wasm: every run finishes, and every method that trains shows its optimizer
 * steps in the summary's measured-cost column, matching what it charged itself.
 */
describe('a tiny study with each new method (wasm)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-methods-'));
  const out = path.join(root, 'results');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const uniform = { use: 'uniform', ratio: 0.5 };
  const sparsityTraining = { epochs: 1, batchSize: 32 };
  const trains = ['slimming', 'group-lasso', 'growing-reg', 'taylor-fo-iterative', 'sfp', 'sfp-pretrained'];
  const pruners = [
    { use: 'lamp', sparsity: 0.5, label: 'lamp' },
    { use: 'thinet', plan: uniform, batches: 1, batchSize: 16, samplesPerExample: 2, label: 'thinet' },
    { use: 'obd-c', plan: uniform, batches: 1, batchSize: 8, label: 'obd-c' },
    { use: 'bn-scale', plan: { use: 'global', ratio: 0.3 }, regularizer: 'slimming', sparsityTraining, label: 'slimming' },
    { use: 'l1', plan: uniform, regularizer: 'group-lasso', sparsityTraining, label: 'group-lasso' },
    { use: 'l1', plan: uniform, regularizer: { use: 'growing-reg', delta: 0.01, interval: 1 }, sparsityTraining, label: 'growing-reg' },
    { use: 'taylor-fo-iterative', ratio: 0.3, perIteration: 4, frequency: 1, batchSize: 16, label: 'taylor-fo-iterative' },
    { use: 'sfp', plan: uniform, epochs: 1, batchSize: 32, label: 'sfp' },
    { use: 'sfp-pretrained', plan: uniform, epochs: 1, batchSize: 32, label: 'sfp-pretrained' },
  ];
  let records: StudyRecord[] = [];
  let summary = '';

  beforeAll(async () => {
    records = await runTinyStudy(root, {
      dataset: { use: 'fashion-mnist', trainSize: 64, testSize: 50 },
      model: { use: 'vgg-small', widths: [8, 'M', 8, 'M'], hiddenUnits: 8 },
      original: { epochs: 1, batchSize: 32, lr: 0.05, milestones: [], gamma: 0.1, momentum: 0.9, weightDecay: 1e-4 },
      pruners,
      schedules: ['ft'],
      budgets: [2],
      // A pruner's own training comes out of its retraining budget: what a regularizer trains too.
      budgetAccounting: 'total',
      seeds: [0],
    });
    summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
  }, 600_000);

  it('runs every method to the end', () => {
    expect(records.every((r) => r.status === 'finished')).toBe(true);
    expect(records.filter((r) => r.kind === 'prune')).toHaveLength(pruners.length);
    expect(records.filter((r) => r.kind === 'retrain')).toHaveLength(pruners.length);
  });

  it("shows each training method's optimizer steps in the measured-cost column, equal to what it charged", () => {
    const lines = summary.split('\n');
    const headerAt = lines.findIndex((l) => l.includes("pruner's cost (measured)"));
    const header = lines[headerAt].split('|').map((c) => c.trim());
    const table = lines.slice(headerAt);
    const measuredAt = header.indexOf("pruner's cost (measured)");
    const declaredAt = header.indexOf("pruner's cost (declared)");
    expect(measuredAt).toBeGreaterThan(0);
    for (const { label } of pruners) {
      const row = table.find((l) => l.startsWith(`| ${label} |`));
      expect(row).toBeDefined();
      const cells = row!.split('|').map((c) => c.trim());
      const prune = records.find((r) => r.kind === 'prune' && r.pruner === label)!;
      expect(prune.costMismatch).toBeUndefined();
      expect(cells[declaredAt]).not.toMatch(/⚠/);
      if (trains.includes(label)) {
        expect(prune.measured.optimizerSteps).toBeGreaterThan(0);
        expect(prune.measured.optimizerSteps).toBe(prune.ledger.extraOptimizerSteps);
        expect(cells[measuredAt]).toMatch(new RegExp(`\\b${prune.measured.optimizerSteps} steps`));
        const retrain = records.find((r) => r.kind === 'retrain' && r.pruner === label)!;
        expect(retrain.budgetAccounting).toMatchObject({ mode: 'total', deductedSteps: prune.measured.optimizerSteps, expectedSteps: 4 - prune.measured.optimizerSteps });
        expect(retrain.ledger.optimizerSteps).toBe(4 - prune.measured.optimizerSteps);
      } else {
        expect(prune.measured.optimizerSteps).toBe(0);
      }
    }
  });
});
