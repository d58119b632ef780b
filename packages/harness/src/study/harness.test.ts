import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { auditBudgets, UnequalBudgetError } from './audit';
import type { StudyDefinition } from './definition';
import { expandStudy, type Job } from './jobs';
import { parseMasks, saveMasks } from './masks';
import type { RunRecord } from './record';
import { runJobs, type JobRunner } from './scheduler';
import { ResultStore } from './store';
import { summarize, summaryCsv, summaryMarkdown } from './summary';
import { emptyLedgerEntries } from '@prunebench/core';

const study: StudyDefinition = {
  dataset: { id: 'synthetic', options: { size: 10 } },
  model: { id: 'tiny', options: {} },
  original: { epochs: 4, lr: 0.1, milestones: [2], gamma: 0.1, batchSize: 8, momentum: 0.9, weightDecay: 1e-4, nesterov: false },
  pruners: [{ id: 'l1', options: { plan: 'uniform' } }, { id: 'random', options: {} }],
  schedules: [{ id: 'ft', options: {} }, { id: 'clr', options: {} }],
  budgets: [2, 4],
  seeds: [0, 1],
  backend: 'cpu',
  workers: 1,
  out: '/tmp/unused',
  configFile: null,
};

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
  if (job.kind === 'prune') Object.assign(base, { pruner: job.prunerLabel });
  if (job.kind === 'retrain') {
    Object.assign(base, {
      pruner: job.prunerLabel,
      schedule: job.scheduleLabel,
      budget: job.budget,
      plannedSteps: job.budget * 10,
      ledger: { ...emptyLedgerEntries(), optimizerSteps: job.budget * 10, samples: job.budget * 80 },
      metrics: { test: { loss: 1, top1: 0.5 + job.seed / 10 } },
      cost: { before: { params: 1000, flops: 5000 }, after: { params: 600, flops: 2500 } },
    });
  }
  if (job.kind === 'original') Object.assign(base, { metrics: { test: { loss: 1, top1: 0.9 } }, cost: { before: { params: 1000, flops: 5000 }, after: { params: 1000, flops: 5000 } } });
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

  it('refuses unequal steps or samples, naming the runs', () => {
    const records = retrains.map((j) => record(j));
    const odd = records.findIndex((r) => r.budget === 2 && r.schedule === 'clr');
    records[odd] = { ...records[odd], ledger: { ...records[odd].ledger!, samples: 12345 } };
    expect(() => auditBudgets(records)).toThrow(UnequalBudgetError);
    expect(() => auditBudgets(records)).toThrow(new RegExp(`at 2 epochs, ${records[odd].id} \\(.* × clr, seed \\d\\) took 20 steps on 12345 samples`));
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
    expect(row.flopsReduction).toBeCloseTo(50, 10);
    expect(summary.original.top1.mean).toBeCloseTo(0.9, 10);
    const md = summaryMarkdown(summary);
    expect(md).toMatch(/\| l1\/uniform \| clr \| 2 \| 55\.00 ± 7\.07 \| 2 \| 40\.0% \| 50\.0% \| none \| 20 \|/);
    expect(summaryCsv(summary).split('\n')[1]).toMatch(/^l1\/uniform,clr,2,0\.55,/);
    expect(md).toMatch(/mean ± std over seeds/);
    // One seed: the header promises no std.
    const single = summaryMarkdown(summarize(expandStudy({ ...study, seeds: [0] }).map((j) => record(j))));
    expect(single).not.toMatch(/± std/);
    expect(single).toMatch(/one seed per row \(no spread to show\)/);
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

  function fakeRunner(log: string[], fail: (job: Job) => boolean = () => false): JobRunner {
    return {
      async run(job) {
        log.push(job.id);
        if (fail(job)) throw new Error(`boom in ${job.id}`);
        return record(job);
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
