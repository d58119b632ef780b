import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { auditBudgets, UnequalBudgetError } from './audit';
import type { StudyDefinition } from './definition';
import { expandStudy, type Job } from './jobs';
import type { JobBase } from './kinds/job-kind';
import { parseMasks, saveMasks } from './masks';
import type { RunRecord } from './record';
import { runJobs, type JobRunner } from './dispatcher';
import { ResultStore } from './store';
import { summarize, summaryCsv, summaryTable } from './summary';
import { emptyLedgerEntries } from '@prunebench/core';

const study: StudyDefinition = {
  dataset: { id: 'synthetic', options: { size: 10 } },
  model: { id: 'tiny', options: {} },
  original: { epochs: 4, lr: 0.1, milestones: [2], gamma: 0.1, batchSize: 8, momentum: 0.9, weightDecay: 1e-4, nesterov: false, dropLast: true },
  pruners: [{ id: 'l1', options: { plan: 'uniform' } }, { id: 'random', options: {} }],
  schedules: [{ id: 'ft', options: {} }, { id: 'clr', options: {} }],
  budgets: [2, 4],
  seeds: [0, 1],
  pruneSeeds: null,
  budgetAccounting: 'retraining',
  identity: { backend: true },
  backend: 'cpu',
  workers: 1,
  out: '/tmp/unused',
  configFile: null,
  plugins: [],
};

/** 80 examples in batches of 8: S = 10 steps per epoch. */
const BATCHING = { trainSize: 80, batchSize: 8, dropLast: true, stepsPerEpoch: 10 };

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-harness-'));

function record(job: Job, overrides: Partial<RunRecord> = {}): RunRecord {
  const base: RunRecord = {
    id: job.id,
    kind: job.kind,
    status: 'finished',
    seed: job.seed,
    definition: job.definition,
    configFile: null,
    versions: { prunebench: '0', tfjs: '0', backend: 'cpu' },
    startedAt: '',
    finishedAt: '',
  };
  if (job.kind === 'prune') Object.assign(base, { pruner: job.prunerLabel, measured: { examplesServed: 0, macs: 0, byKernel: {}, optimizerSteps: 0 } });
  if (job.kind === 'retrain') {
    Object.assign(base, {
      pruner: job.prunerLabel,
      schedule: job.scheduleLabel,
      budget: job.budget,
      plannedSteps: job.budget * 10,
      ledger: { ...emptyLedgerEntries(), optimizerSteps: job.budget * 10, samples: job.budget * 80 },
      batching: BATCHING,
      budgetAccounting: { mode: 'retraining', epochs: job.budget, deductedSteps: 0, expectedSteps: job.budget * 10, expectedSamples: job.budget * 80 },
      measured: { examplesServed: 0, macs: 1e6, byKernel: {}, optimizerSteps: job.budget * 10 },
      metrics: { test: { loss: 1, top1: 0.5 + job.seed / 10 } },
      cost: { before: { params: 1000, macs: 5000 }, after: { params: 600, macs: 2500 } },
    });
  }
  if (job.kind === 'original') Object.assign(base, { metrics: { test: { loss: 1, top1: 0.9 } }, cost: { before: { params: 1000, macs: 5000 }, after: { params: 1000, macs: 5000 } } });
  return { ...base, ...overrides };
}

describe('expandStudy', () => {
  it('makes one original per seed, one prune per pruner × seed, one retrain per pruner × schedule × budget × seed', () => {
    const jobs = expandStudy(study);
    const count = (kind: string) => jobs.filter((j) => j.kind === kind).length;
    expect(count('original')).toBe(2);
    expect(count('prune')).toBe(4);
    expect(count('retrain')).toBe(16);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
    // Dependencies come first.
    const position = new Map(jobs.map((j, i) => [j.id, i]));
    for (const job of jobs) for (const dep of job.deps) expect(position.get(dep)!).toBeLessThan(position.get(job.id)!);
  });

  it('gives a job the same id when the study around it changes, and a new id when its definition does', () => {
    const ids = new Set(expandStudy(study).map((j) => j.id));
    const grown = expandStudy({ ...study, schedules: [...study.schedules, { id: 'slr', options: {} }], workers: 4, backend: 'wasm' });
    for (const id of ids) expect(grown.some((j) => j.id === id)).toBe(true);
    const changed = expandStudy({ ...study, original: { ...study.original, lr: 0.05 } });
    expect(changed.some((j) => ids.has(j.id))).toBe(false);
  });
});

describe('auditBudgets', () => {
  const jobs = expandStudy(study);
  const retrains = jobs.filter((j) => j.kind === 'retrain');

  it('accepts equal budgets and ignores failed runs', () => {
    const records = retrains.map((j) => record(j));
    records[0] = { ...records[0], status: 'failed', ledger: undefined };
    expect(() => auditBudgets(records)).not.toThrow();
  });

  it('ignores runs not made because their original diverged (no steps planned)', () => {
    const records = retrains.map((j) => record(j));
    records[0] = { ...records[0], status: 'not-run', error: 'not run: the original diverged', ledger: undefined, plannedSteps: undefined };
    expect(() => auditBudgets(records)).not.toThrow();
  });

  it('refuses unequal steps or samples, naming the runs', () => {
    const records = retrains.map((j) => record(j));
    const odd = records.findIndex((r) => r.budget === 2 && r.schedule === 'clr');
    records[odd] = { ...records[odd], ledger: { ...records[odd].ledger!, samples: 12345 } };
    expect(() => auditBudgets(records)).toThrow(UnequalBudgetError);
    expect(() => auditBudgets(records)).toThrow(new RegExp(`at 2 epochs, ${records[odd].id} \\(.* × clr, seed \\d\\) took 20 steps on 12345 samples`));
  });

  it('refuses runs that all agree but did not take E × S steps on E × S × B samples', () => {
    // Equal to each other, so an audit that only compares runs would pass them.
    const records = retrains.map((j) => {
      const r = record(j);
      return { ...r, plannedSteps: r.plannedSteps! - 1, ledger: { ...r.ledger!, optimizerSteps: r.ledger!.optimizerSteps - 1, samples: r.ledger!.samples - 8 } };
    });
    expect(() => auditBudgets(records)).toThrow(/planned 19 steps, but 2 epochs × 10 steps = 20/);
    expect(() => auditBudgets(records)).toThrow(/took 19 steps on 152 samples, but its budget is 20 steps on 160 samples/);
  });

  it('refuses a study whose runs cut epochs into different numbers of steps', () => {
    const records = retrains.map((j) => record(j));
    records[3] = { ...records[3], batching: { ...BATCHING, batchSize: 16, stepsPerEpoch: 5 } };
    expect(() => auditBudgets(records)).toThrow(/S must be one number per study/);
  });

  it('keeps the last partial batch: E × N samples, not E × S × B (dropLast false)', () => {
    // 85 examples in batches of 8: S = 11 steps per epoch, the last of 5 examples.
    const kept = { trainSize: 85, batchSize: 8, dropLast: false, stepsPerEpoch: 11 };
    const records = retrains.map((j) => {
      const r = record(j);
      const steps = r.budget! * 11;
      return { ...r, batching: kept, plannedSteps: steps, ledger: { ...r.ledger!, optimizerSteps: steps, samples: r.budget! * 85 } };
    });
    expect(() => auditBudgets(records)).not.toThrow();
    records[0] = { ...records[0], ledger: { ...records[0].ledger!, samples: records[0].budget! * 88 } };
    expect(() => auditBudgets(records)).toThrow(/took \d+ steps on \d+ samples, but its budget is \d+ steps on \d+ samples/);
  });

  it('budget accounting total: a pruner\'s own steps come out of its retraining, and the totals must agree', () => {
    const records = retrains.map((j) => record(j));
    const i = records.findIndex((r) => r.budget === 2);
    const accounting = { ...records[i].budgetAccounting!, mode: 'total' as const, deductedSteps: 3, expectedSteps: 17, expectedSamples: 136 };
    records[i] = { ...records[i], plannedSteps: 17, budgetAccounting: accounting, ledger: { ...records[i].ledger!, optimizerSteps: 17, samples: 136 } };
    expect(() => auditBudgets(records)).not.toThrow();
    // The same run retraining the full budget on top of its own steps is over budget.
    records[i] = { ...records[i], plannedSteps: 20, ledger: { ...records[i].ledger!, optimizerSteps: 20, samples: 160 } };
    expect(() => auditBudgets(records)).toThrow(/planned 20 steps, but 2 epochs × 10 steps − 3 of the pruner's own = 17/);
    // What was deducted must be what the pruner was measured taking.
    const all = expandStudy(study).map((j) => record(j));
    const retrain = all.findIndex((r) => r.id === records[i].id);
    all[retrain] = { ...records[i], plannedSteps: 17, ledger: { ...records[i].ledger!, optimizerSteps: 17, samples: 136 } };
    const pruneIndex = all.findIndex((r) => r.id === all[retrain].definition.prune);
    all[pruneIndex] = { ...all[pruneIndex], measured: { examplesServed: 0, macs: 0, byKernel: {}, optimizerSteps: 3 } };
    expect(() => auditBudgets(all)).not.toThrow();
    all[pruneIndex] = { ...all[pruneIndex], measured: { examplesServed: 0, macs: 0, byKernel: {}, optimizerSteps: 1 } };
    expect(() => auditBudgets(all)).toThrow(/deducted 3 steps, but its pruner took 1 \(measured\)/);
  });

  it('refuses a diverged run whose schedule planned a different number of steps', () => {
    const records = retrains.map((j) => record(j));
    const odd = records.findIndex((r) => r.budget === 4);
    records[odd] = { ...records[odd], status: 'diverged', plannedSteps: 7 };
    expect(() => auditBudgets(records)).toThrow(/planned 7 steps/);
  });
});

describe('summary', () => {
  it('aggregates over seeds with mean ± std and reductions', () => {
    const jobs = expandStudy(study);
    const records = jobs.map((j) => record(j));
    const summary = summarize(records);
    expect(summary.rows).toHaveLength(8);
    const row = summary.rows[0];
    expect(row.top1.n).toBe(2);
    expect(row.top1.mean).toBeCloseTo(0.55, 10);
    expect(row.top1.std).toBeCloseTo(Math.sqrt(0.005), 10);
    expect(row.paramsReduction).toBeCloseTo(40, 10);
    expect(row.macsReduction).toBeCloseTo(50, 10);
    expect(summary.original.top1.mean).toBeCloseTo(0.9, 10);
    // No CPU time in these records: '–'.
    expect(summaryTable(summary).rows[0]).toEqual(['l1/uniform', 'clr', '2', '55.00 ± 7.07', '2', '40.0%', '50.0%', 'none', 'none', '–', '20', '1.00 M']);
    // mean, std, the 95% interval clipped to [0, 100], n.
    expect(summaryCsv(summary).split('\n')[1]).toMatch(/^l1\/uniform,clr,2,55,7\.0711,0,100,2,/);
    // One seed: no spread (the study's one std is undefined below two values), in the table and the CSV.
    const single = summarize(expandStudy({ ...study, seeds: [0] }).map((j) => record(j)));
    expect(single.rows[0].top1).toEqual(expect.objectContaining({ n: 1, mean: 0.5, std: NaN }));
    expect(summaryTable(single).rows[0][3]).toBe('50.00');
    // One seed: the std and interval columns are empty on every row, so left out.
    expect(summaryCsv(single).split('\n')[1]).toMatch(/^l1\/uniform,clr,2,50,1,/);
  });
});

describe('masks file', () => {
  it('round-trips and detects truncation', () => {
    const masks = new Map([
      ['conv1/kernel', Float32Array.from([1, 0, 1, 1])],
      ['conv2/kernel', Float32Array.from([0, 0, 1])],
    ]);
    const bytes = saveMasks(masks);
    expect(parseMasks(bytes)).toEqual(masks);
    expect(() => parseMasks(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
  });
});

describe('runJobs', () => {
  const jobs = expandStudy({ ...study, seeds: [0], budgets: [2] });

  function fakeRunner(log: string[], fail: (job: JobBase) => boolean = () => false): JobRunner {
    return {
      async run(job) {
        log.push(job.id);
        if (fail(job)) throw new Error(`boom in ${job.id}`);
        return record(job as Job);
      },
      async close() {},
    };
  }

  it('runs every job after its dependencies and writes each record', async () => {
    const store = new ResultStore(tempDir());
    const log: string[] = [];
    await runJobs({ jobs, store, runners: [fakeRunner(log), fakeRunner(log)], onEvent: () => {}, baseRecord: { configFile: null, versions: { prunebench: '0', tfjs: '0', backend: 'cpu' } } });
    expect(log.sort()).toEqual(jobs.map((j) => j.id).sort());
    for (const job of jobs) expect(store.read(job.id)?.status).toBe('finished');
  });

  it('records a throwing job as failed, skips its dependents, and retries both on resume', async () => {
    const store = new ResultStore(tempDir());
    const prune = jobs.find((j) => j.kind === 'prune')!;
    const base = { configFile: null, versions: { prunebench: '0', tfjs: '0', backend: 'cpu' } };
    await runJobs({ jobs, store, runners: [fakeRunner([], (j) => j.id === prune.id)], onEvent: () => {}, baseRecord: base });
    expect(store.read(prune.id)).toEqual(expect.objectContaining({ status: 'failed', error: expect.stringMatching(/boom/) }));
    const dependents = jobs.filter((j) => j.deps.includes(prune.id));
    for (const job of dependents) expect(store.read(job.id)?.error).toMatch(new RegExp(`skipped: it needs ${prune.id}, which failed`));

    const rerun: string[] = [];
    await runJobs({ jobs, store, runners: [fakeRunner(rerun)], onEvent: () => {}, baseRecord: base });
    expect(rerun.sort()).toEqual([prune.id, ...dependents.map((j) => j.id)].sort());
    for (const job of jobs) expect(store.read(job.id)?.status).toBe('finished');
  });
});
