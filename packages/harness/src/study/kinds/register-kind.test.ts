import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunLedger, type PrunebenchConfig } from '@prunebench/core';
import { evaluate } from '../../training/evaluate';
import { loadCheckpoint } from '../../training/checkpoint';
import { forwardExamples, prunedMacs } from '../cost-model';
import { EVAL_BATCH, metrics, openDataset, type ExecutionContext } from '../execution';
import { jobId, pruneSeedSuffix, studyComponents } from '../job-definition';
import { runStudy } from '../run-study';
import { writeReport } from '../report';
import { ResultStore } from '../store';
import { readStudyFile } from '../study-folder';
import { checkRecord } from '../verify';
import { registerJobKind } from './index';
import type { JobBase, JobKind } from './job-kind';
import { pruneKind, type PruneJob } from './prune';

/**
 * A new baseline job kind is one object (here, in this file; in the repository, one file under
 * kinds/ and one line in JOB_KINDS, ARCHITECTURE.md): registered, it expands under every prune,
 * runs, has its run.json verified, and gets its own section, table row and figure level in the
 * report — nothing else in the harness names it.
 */
interface ToyJob extends JobBase {
  kind: 'toy';
  pruneSeed: number;
  pruneId: string;
  prunerLabel: string;
  prunerId: string;
}

/** The pruned model evaluated again, as a baseline: it must score exactly what its prune recorded. */
const toyKind: JobKind<ToyJob, PruneJob> = {
  name: 'toy',
  expandsFrom: pruneKind,
  expand: (_study, prune) => {
    const definition = { prune: prune.id, baseline: 'toy-eval', seed: prune.seed };
    return [{ id: jobId('toy', definition), kind: 'toy', seed: prune.seed, pruneSeed: prune.pruneSeed, deps: [prune.id], definition, pruneId: prune.id, prunerLabel: prune.prunerLabel, prunerId: prune.pruner.id }];
  },
  describe: (job) => `re-evaluate ${job.prunerLabel}, seed ${job.seed}${pruneSeedSuffix(job)}`,
  labels: (job) => ({ pruner: job.prunerLabel, schedule: 'toy-eval' }),
  components: (job, study) => [...studyComponents(study), { kind: 'pruner', id: job.prunerId }],
  work: (job, _study, shape) => ({ trainExamples: 0, forwardExamples: forwardExamples(shape), macs: prunedMacs(shape, job.prunerLabel) }),
  async execute(job: ToyJob, ctx: ExecutionContext) {
    const { dataset } = await openDataset(ctx);
    const ledger = new RunLedger();
    const { model } = await loadCheckpoint(ctx.store.modelDir(job.pruneId));
    try {
      const test = metrics(await evaluate(model, dataset, 'test', EVAL_BATCH, { ledger }));
      return { status: 'finished' as const, ledger: ledger.toJSON(), metrics: { test }, cost: ctx.store.read(job.pruneId)!.cost };
    } finally {
      model.dispose();
    }
  },
  record: { required: ['pruner', 'schedule'], artifacts: [] },
  report: {
    baselineName: () => 'toy-eval',
    sections: ({ baselines }) => [
      { kind: 'heading', level: 2, text: 'Toy: the pruned model, evaluated again' },
      { kind: 'table', header: ['pruner', 'top-1 (%)'], rows: baselines.map((b) => [b.pruner, (100 * b.top1.mean).toFixed(2)]) },
    ],
  },
};

const packages = path.join(__dirname, '..', '..', '..', '..');
const BUILTINS = ['schedules', 'pruners', 'models', 'datasets'].map((name) => path.join(packages, name, 'src', 'index.ts'));

const config: PrunebenchConfig = {
  dataset: { use: 'synthetic', inputShape: [16, 16, 1], numClasses: 4, trainSize: 64, testSize: 32, noise: 0.3 },
  model: { use: 'vgg-small', widths: [8, 'M', 16, 'M'], hiddenUnits: 16 },
  original: { epochs: 1, batchSize: 16, lr: 0.05, milestones: [], gamma: 0.1, momentum: 0.9, weightDecay: 1e-4 },
  pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }, { use: 'random', plan: { use: 'uniform', ratio: 0.5 } }],
  schedules: ['ft'],
  budgets: [1],
  seeds: [0],
  backend: 'wasm',
  workers: 1,
};

describe('a job kind registered as one object', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-kind-'));
  let unregister: () => void = () => {};
  let outcome: Awaited<ReturnType<typeof runStudy>>;
  afterAll(() => {
    unregister();
    fs.rmSync(out, { recursive: true, force: true });
  });
  beforeAll(async () => {
    unregister = registerJobKind(toyKind);
    outcome = await runStudy({ configFile: null, inlineConfig: { ...config, out }, dir: out, builtinModules: BUILTINS, overrides: {} }, { write: () => {}, isTTY: false });
  }, 240_000);

  it('is expanded under every prune, after it, and runs', () => {
    expect(outcome.failed).toBe(0);
    const jobs = readStudyFile(out)!.jobs;
    const prunes = jobs.filter((j) => j.kind === 'prune');
    const toys = jobs.filter((j) => j.kind === 'toy');
    expect(prunes).toHaveLength(2);
    expect(toys.map((t) => t.deps)).toEqual(prunes.map((p) => [p.id]));
    for (const toy of toys) expect(jobs.findIndex((j) => j.id === toy.id)).toBeGreaterThan(jobs.findIndex((j) => j.id === toy.deps[0]));
  });

  it('records what its kind computes: the pruned model scores what its prune recorded', () => {
    const records = fs.readFileSync(outcome.report.resultsJsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const toys = records.filter((r) => r.kind === 'toy');
    expect(toys).toHaveLength(2);
    for (const toy of toys) {
      const prune = records.find((r) => r.id === toy.definition.prune);
      expect(toy).toEqual(expect.objectContaining({ status: 'finished', pruner: prune.pruner, schedule: 'toy-eval' }));
      expect(toy.metrics.test.top1).toBe(prune.metrics.test.top1);
    }
  });

  it('has its run.json checked against a schema that knows the kind, and refused once the kind is gone', () => {
    const store = new ResultStore(out);
    const toy = readStudyFile(out)!.jobs.find((j) => j.kind === 'toy')!;
    expect(checkRecord(store, toy.id)).toEqual({ record: expect.objectContaining({ kind: 'toy' }) });
    unregister();
    try {
      expect(checkRecord(store, toy.id)).toEqual(expect.objectContaining({ file: 'run.json', why: expect.stringMatching(/not a valid run record/) }));
    } finally {
      unregister = registerJobKind(toyKind);
    }
  });

  it('gets its report section, and its level in the accuracy figure', async () => {
    const { analysis } = await writeReport(out);
    const summary = fs.readFileSync(outcome.report.summaryMd, 'utf8');
    expect(summary).toContain('## Toy: the pruned model, evaluated again');
    expect(summary).toContain('dotted: the baselines (toy-eval)');
    expect(analysis.baselines.map((b) => [b.kind, b.pruner, b.name])).toEqual([
      ['toy', 'l1/uniform', 'toy-eval'],
      ['toy', 'random/uniform', 'toy-eval'],
    ]);
  });

  it('is refused a second time, or with a name that cannot prefix a run folder', () => {
    expect(() => registerJobKind(toyKind)).toThrow(/already registered/);
    expect(() => registerJobKind({ ...toyKind, name: 'Toy Kind' })).toThrow(/lower-case letters/);
  });
});
