import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BatchOptions, PrunebenchConfig, SplitName } from '@prunebench/core';
import { runStudy } from './run-study';
import type { RunRecord } from './record';
import { FIXTURE_LOG } from './metering/test-plugin';

// A whole study in this thread on wasm with prunebench's kernels, with pruners that call tfjs
// directly (metering/test-plugin.ts): what the harness measures, and which seed each role used.
const packages = path.join(__dirname, '..', '..', '..');
const BUILTINS = [...['schedules', 'pruners', 'models', 'datasets'].map((name) => path.join(packages, name, 'src', 'index.ts')), path.join(__dirname, 'metering', 'test-plugin.ts')];

/** Every `batches` call of the datasets (the in-memory base class serves them all), with the job that made it. */
const calls: Array<{ job: string; split: SplitName; options: BatchOptions }> = [];
let currentJob = '';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { InMemoryDataset } = require(BUILTINS[3]) as typeof import('@prunebench/datasets');
const batches = InMemoryDataset.prototype.batches;
InMemoryDataset.prototype.batches = function (this: unknown, split: SplitName, options: BatchOptions) {
  calls.push({ job: currentJob, split, options });
  return batches.call(this as never, split, options);
};

const config = (overrides: Partial<PrunebenchConfig> = {}): PrunebenchConfig => ({
  // 72 examples in batches of 16: S = 5 with the last batch (of 8) kept, 4 without.
  dataset: { use: 'synthetic', inputShape: [16, 16, 1], numClasses: 4, trainSize: 72, testSize: 32, noise: 0.3 },
  model: 'vgg-small',
  original: { epochs: 1, batchSize: 16, lr: 0.05, milestones: [], gamma: 0.1, momentum: 0.9, weightDecay: 1e-4 },
  pruners: ['undeclared-gradients', 'self-training', 'data-free', { use: 'random', plan: { use: 'uniform', ratio: 0.5 } }],
  schedules: ['ft'],
  budgets: [2],
  seeds: [3],
  backend: 'wasm',
  workers: 1,
  ...overrides,
});

async function run(inline: PrunebenchConfig) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-fairness-'));
  const outcome = await runStudy(
    { configFile: null, inlineConfig: { ...inline, out }, dir: out, builtinModules: BUILTINS, overrides: {} },
    { write: () => {}, isTTY: false, onEvent: (e) => void (e.type === 'job-start' && (currentJob = e.jobId)) },
  );
  const records = fs.readdirSync(path.join(out, 'runs')).map((id) => JSON.parse(fs.readFileSync(path.join(out, 'runs', id, 'run.json'), 'utf8')) as RunRecord);
  return { out, outcome, records, summary: fs.readFileSync(outcome.report.summaryMd, 'utf8') };
}

describe('a study measures what its pruners spend, and keeps each random role on its own stream', () => {
  let study: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    FIXTURE_LOG.length = 0;
    // 2 epochs × 5 steps; the self-training pruner's 3 steps leave 7, under a minimum of 8.
    study = await run(config({ original: { ...config().original!, dropLast: false }, budgetAccounting: 'total', minRetrainingSteps: 8, pruneSeeds: [0, 1] }));
  }, 180_000);

  const prune = (pruner: string, pruneSeed = 0) => study.records.find((r) => r.kind === 'prune' && r.pruner?.startsWith(pruner) && r.pruneSeed === pruneSeed)!;
  const retrainOf = (p: RunRecord) => study.records.find((r) => r.kind === 'retrain' && r.definition.prune === p.id)!;

  it('runs every job', () => {
    expect(study.outcome.failed).toBe(0);
    expect(study.records.filter((r) => r.status !== 'finished')).toEqual([]);
  });

  it('meters a pruner that reads batches and takes gradients without charging, and flags its silence', () => {
    const sneaky = prune('undeclared-gradients');
    expect(sneaky.ledger).toEqual(expect.objectContaining({ extraForwardSamples: 0, extraBackwardSamples: 0, extraOptimizerSteps: 0 }));
    expect(sneaky.measured!.examplesServed).toBe(32);
    // Forward convolutions and both backward ones ran on its behalf and were counted.
    expect(Object.keys(sneaky.measured!.byKernel)).toEqual(expect.arrayContaining(['Conv2DBackpropInput', 'Conv2DBackpropFilter']));
    expect(sneaky.measured!.macs).toBeGreaterThan(0);
    expect(sneaky.costMismatch).toEqual([expect.stringMatching(/declared 0 examples of extra passes, was served 32/)]);
    // Its real cost is in the summary, beside what it declared.
    expect(study.summary).toMatch(/\| undeclared-gradients \| ft \| 2 \| [^|]+ \| \d \| [^|]+ \| [^|]+ \| 32 examples, [\d.]+ [kMG]?MAC \| none ⚠ differs from the measurement \|/);
  });

  it('counts a self-training pruner\'s optimizer steps, and agrees with its honest charges', () => {
    const trainer = prune('self-training');
    expect(trainer.measured).toEqual(expect.objectContaining({ examplesServed: 48, optimizerSteps: 3 }));
    expect(trainer.costMismatch).toBeUndefined();
    expect(study.summary).toMatch(/\| self-training \| ft \| 2 \| [^|]+ \| \d \| [^|]+ \| [^|]+ \| 48 examples, [\d.]+ [kMG]?MAC, 3 steps \| 48 fwd, 48 bwd, 3 steps \|/);

    // Its retraining got 7 steps, fewer than the study's minimum: the report says so.
    expect(retrainOf(trainer).budgetAccounting).toEqual(expect.objectContaining({ deductedSteps: 3, expectedSteps: 7, minimumSteps: 8, belowMinimum: true }));
    expect(study.summary).toMatch(/\*\*Short retraining\*\*/);
    expect(study.summary).toMatch(/- self-training at 2 epochs: 7 retraining steps left of 10 \(minimum 8\)/);
    expect(study.summary).not.toMatch(/- data-free at 2 epochs/);
  });

  it('gives no dataset to a pruner that does not declare needsData', () => {
    expect(FIXTURE_LOG.filter((e) => e.pruner === 'data-free').map((e) => e.hadDataset)).toEqual([false, false]);
    expect(FIXTURE_LOG.filter((e) => e.pruner !== 'data-free').every((e) => e.hadDataset)).toBe(true);
    expect(prune('data-free').measured!.examplesServed).toBe(0);
  });

  it('budget accounting total: deducts the pruner\'s own steps from its retraining, and says so', () => {
    // dropLast false: 72 examples in batches of 16 → S = 5 steps per epoch; 2 epochs = 10 steps on 144 samples.
    const full = retrainOf(prune('data-free'));
    expect(full.batching).toEqual({ trainSize: 72, batchSize: 16, dropLast: false, stepsPerEpoch: 5 });
    expect(full.ledger).toEqual(expect.objectContaining({ optimizerSteps: 10, samples: 144 }));
    const deducted = retrainOf(prune('self-training'));
    // 7 steps: one whole epoch (72 examples, its last batch partial) and two full batches.
    expect(deducted.budgetAccounting).toEqual({ mode: 'total', epochs: 2, deductedSteps: 3, expectedSteps: 7, expectedSamples: 72 + 2 * 16, minimumSteps: 8, belowMinimum: true });
    expect(deducted.ledger).toEqual(expect.objectContaining({ optimizerSteps: 7, samples: 104 }));
    expect(study.summary).toMatch(/Budget accounting: total/);
    expect(study.summary).toMatch(/last partial batch of an epoch is kept/);
  });

  it('fills a total-compute column: retraining plus pruning, in multiply-accumulates', () => {
    const p = prune('undeclared-gradients');
    const r = retrainOf(p);
    expect(r.measured!.macs).toBeGreaterThan(0);
    const csv = fs.readFileSync(study.outcome.report.summaryCsv, 'utf8').trim().split('\n');
    const header = csv[0].split(',');
    const row = csv.find((line) => line.startsWith('undeclared-gradients,'))!.split(',');
    const pruneSeed1 = retrainOf(prune('undeclared-gradients', 1));
    const expected = (r.measured!.macs + p.measured!.macs + pruneSeed1.measured!.macs + prune('undeclared-gradients', 1).measured!.macs) / 2;
    expect(Number(row[header.indexOf('total_macs')])).toBeCloseTo(expected, 0);
  });

  it('draws original init, original data order, pruning, calibration and retraining data from separate streams', () => {
    const original = study.records.find((r) => r.kind === 'original')!;
    const trainSeeds = (job: string) => new Set(calls.filter((c) => c.job === job && c.split === 'train').map((c) => c.options.seed));
    const originalOrder = trainSeeds(original.id);
    const retrainOrder = trainSeeds(retrainOf(prune('data-free')).id);
    const calibration = trainSeeds(prune('undeclared-gradients').id);
    expect(originalOrder.size).toBe(1);
    expect(retrainOrder.size).toBe(1);
    const [o] = originalOrder;
    const [r] = retrainOrder;
    const [c] = calibration;
    expect(new Set([o, r, c, 3]).size).toBe(4);
    // Retraining keeps one order across methods (paired comparisons): every retrain used r.
    for (const p of study.records.filter((x) => x.kind === 'retrain')) expect(trainSeeds(p.id)).toEqual(new Set([r]));
    // Pruning randomness is its own stream again, and differs per prune seed.
    const pruneSeeds = FIXTURE_LOG.filter((e) => e.pruner === 'data-free').map((e) => e.seed);
    expect(new Set([...pruneSeeds, o, r, c]).size).toBe(5);
  });

  it('prunes one original several times with "pruneSeeds" (random pruning differs between them)', () => {
    const originals = study.records.filter((r) => r.kind === 'original');
    expect(originals).toHaveLength(1);
    const randoms = [prune('random', 0), prune('random', 1)];
    expect(randoms.map((r) => r.definition.original)).toEqual([originals[0].id, originals[0].id]);
    const weights = randoms.map((r) => fs.readFileSync(path.join(study.out, 'runs', r.id, 'model', 'weights.bin')));
    expect(weights[0].equals(weights[1])).toBe(false);
    // Both prunings are rows' seeds of one summary row.
    expect(study.summary).toMatch(/\| random\/uniform \| ft \| 2 \| [^|]+ \| 2 \|/);
  });
});
