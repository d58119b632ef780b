import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { emptyLedgerEntries } from '@prunebench/core';
import type { StudyDefinition } from './definition';
import { expandStudy, type Job } from './jobs';
import type { RunRecord } from './record';
import { ResultStore } from './store';
import { sealRecord } from './record-seal';
import { assertRunIntact, checkRecord, readTrustedRecords, rejectUntrusted } from './verify';

const study: StudyDefinition = {
  dataset: { id: 'synthetic', options: {} },
  model: { id: 'tiny', options: {} },
  original: { epochs: 2, lr: 0.1, milestones: [1], gamma: 0.1, batchSize: 8, momentum: 0.9, weightDecay: 0, nesterov: false, dropLast: true },
  pruners: [{ id: 'l1', options: {} }],
  schedules: [{ id: 'ft', options: {} }],
  budgets: [1],
  seeds: [0],
  pruneSeeds: null,
  budgetAccounting: 'retraining',
  identity: { backend: true },
  backend: 'cpu',
  workers: 1,
  out: '/unused',
  configFile: null,
  plugins: [],
};
const [original, prune, retrain] = expandStudy(study);

/** A complete, valid record, with the files a run of its kind writes. */
function writeRun(store: ResultStore, job: Job, overrides: Partial<RunRecord> = {}): void {
  if (job.kind !== 'retrain' && (overrides.status ?? 'finished') === 'finished') {
    store.writeFile(job.id, 'model/model.json', '{}');
    store.writeFile(job.id, 'model/weights.bin', new Uint8Array(64).fill(3));
  }
  if (job.kind === 'retrain' && (overrides.status ?? 'finished') === 'finished') {
    store.writeFile(job.id, 'history.csv', 'epoch,loss\n0,1\n');
    store.writeFile(job.id, 'schedule.json', '[]');
  }
  const labels = job.kind === 'retrain' ? { pruner: 'l1', schedule: 'ft', budget: 1, plannedSteps: 4 } : job.kind === 'prune' ? { pruner: 'l1' } : {};
  store.write({
    id: job.id, kind: job.kind, status: 'finished', seed: 0, definition: job.definition, configFile: null,
    versions: { prunebench: '0', tfjs: '0', backend: 'cpu' }, ...labels,
    ledger: emptyLedgerEntries(), metrics: { test: { loss: 1, top1: 0.5 } },
    cost: { before: { params: 10, macs: 10 }, after: { params: 5, macs: 5 } },
    startedAt: '', finishedAt: '', ...overrides,
  });
}
const freshStore = () => new ResultStore(fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-verify-')));
const runJson = (store: ResultStore, id: string) => path.join(store.runDir(id), 'run.json');
/** Edits the original's run.json by hand; `reseal`: as a run that wrote it so would have sealed it. */
function editRecord(store: ResultStore, edit: (record: RunRecord) => unknown, reseal = false, extra: Partial<RunRecord> = {}): void {
  const record = { ...(JSON.parse(fs.readFileSync(runJson(store, original.id), 'utf8')) as RunRecord), ...extra };
  edit(record);
  fs.writeFileSync(runJson(store, original.id), JSON.stringify(reseal ? sealRecord(record) : record));
}

describe('run record checks', () => {
  it('accept what a run writes, with the digest of every file it wrote', () => {
    const store = freshStore();
    writeRun(store, original);
    const checked = checkRecord(store, original.id, original);
    expect(checked && 'record' in checked && Object.keys(checked.record.artifacts!)).toEqual(['model/model.json', 'model/weights.bin']);
    expect(() => assertRunIntact(store, original.id)).not.toThrow();
  });

  it.each<[string, (store: ResultStore) => void, RegExp]>([
    ['a record that only says finished', (s) => fs.writeFileSync(runJson(s, original.id), '{"status":"finished"}'), /run.json is not a valid run record/],
    ['a cut-short record', (s) => fs.truncateSync(runJson(s, original.id), 40), /run.json is not valid JSON \(40 bytes/],
    ['a finished record without artifact digests', (s) => editRecord(s, (r) => (r.artifacts = {}), true), /records no digest of model\/model.json/],
    ['an edited test accuracy', (s) => editRecord(s, (r) => (r.metrics!.test!.top1 = 0.99)), /run.json was edited after the run wrote it \(its seal does not match/],
    ['an edited cost', (s) => editRecord(s, (r) => (r.cost!.after.params = 1)), /run.json was edited after the run wrote it/],
    ['an emptied artifacts list', (s) => editRecord(s, (r) => (r.artifacts = {})), /run.json was edited after the run wrote it/],
    ['an edited status', (s) => editRecord(s, (r) => (r.status = 'diverged'), false, { error: 'x' }), /run.json was edited after the run wrote it/],
    ['a record without a seal', (s) => editRecord(s, (r) => delete r.seal), /run.json carries no seal/],
    ['a truncated weights.bin', (s) => fs.truncateSync(path.join(s.modelDir(original.id), 'weights.bin'), 10), /model\/weights.bin has changed since the run wrote it \(10 bytes/],
    ['a missing weights.bin', (s) => fs.rmSync(path.join(s.modelDir(original.id), 'weights.bin')), /model\/weights.bin is missing/],
    ['an edited definition', (s) => {
      const r = JSON.parse(fs.readFileSync(runJson(s, original.id), 'utf8'));
      r.definition.seed = 3;
      fs.writeFileSync(runJson(s, original.id), JSON.stringify(r));
    }, /does not hash to its id/],
  ])('reject %s, naming the file and why; readers refuse it too', (_what, damage, why) => {
    const store = freshStore();
    writeRun(store, original);
    damage(store);
    const checked = checkRecord(store, original.id, original);
    expect(checked && !('record' in checked) && `${checked.file} ${checked.why}`).toMatch(why);
    expect(() => assertRunIntact(store, original.id)).toThrow(why);
    expect(readTrustedRecords(store).rejected.map((r) => r.id)).toEqual([original.id]);
  });
});

describe('rejectUntrusted', () => {
  it('sets aside an untrusted run and every complete run made from it', () => {
    const store = freshStore();
    for (const job of [original, prune, retrain]) writeRun(store, job);
    fs.truncateSync(path.join(store.modelDir(original.id), 'weights.bin'), 7);
    const rejected = rejectUntrusted([original, prune, retrain], store);
    expect(rejected.map((r) => [r.id, r.file])).toEqual([[original.id, 'model/weights.bin'], [prune.id, 'run.json'], [retrain.id, 'run.json']]);
    expect(rejected[2].why).toBe(`was made from runs/${prune.id}, which is redone`);
    for (const job of [original, prune, retrain]) {
      expect(store.isComplete(job.id)).toBe(false);
      expect(fs.existsSync(`${runJson(store, job.id)}.rejected`)).toBe(true);
    }
  });

  it('keeps trusted runs, and "not run" ones only while their original is still diverged', () => {
    const store = freshStore();
    writeRun(store, original, { status: 'diverged', error: 'diverged at step 3 (loss NaN)' });
    writeRun(store, prune, { status: 'not-run', error: 'not run: the original diverged' });
    expect(rejectUntrusted([original, prune], store)).toEqual([]);
    writeRun(store, original);
    expect(rejectUntrusted([original, prune], store).map((r) => r.id)).toEqual([prune.id]);
  });
});
