import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from './record';
import { NothingVerifiedError, writeReport } from './report';
import { ResultStore } from './store';
import { emptyLedgerEntries } from '@prunebench/core';

import type { StudyDefinition } from './definition';
import { expandStudy, type Job } from './jobs';
import { studyFileFor } from './study-file-check';

const base = { versions: { prunebench: '0', tfjs: '0', backend: 'wasm' }, startedAt: '', finishedAt: '', configFile: '/somewhere/abs/study.config.json' };
const cost = { before: { params: 1000, macs: 5000 }, after: { params: 600, macs: 2500 } };

const original = (job: Job): RunRecord => ({
  ...base, id: job.id, kind: 'original', status: 'finished', seed: job.seed, definition: job.definition,
  ledger: emptyLedgerEntries(), metrics: { test: { loss: 1, top1: 0.9 } }, cost: { before: cost.before, after: cost.before },
} as RunRecord);

const prune = (job: Job): RunRecord => ({
  ...base, id: job.id, kind: 'prune', status: 'finished', seed: job.seed, pruner: 'taylor/uniform',
  definition: job.definition, metrics: { test: { loss: 1, top1: 0.4 } }, cost,
  ledger: { ...emptyLedgerEntries(), extraForwardSamples: 256, extraBackwardSamples: 128 },
} as RunRecord);

const retrain = (job: Job, status: RunRecord['status']): RunRecord => ({
  ...base, id: job.id, kind: 'retrain', status, seed: job.seed, pruner: 'taylor/uniform', schedule: 'clr', budget: 2, plannedSteps: 20,
  batching: { trainSize: 80, batchSize: 8, dropLast: true, stepsPerEpoch: 10 }, budgetAccounting: { mode: 'retraining', epochs: 2, deductedSteps: 0, expectedSteps: 20, expectedSamples: 160 },
  definition: job.definition,
  ...(status === 'finished'
    ? { ledger: { ...emptyLedgerEntries(), optimizerSteps: 20, samples: 160 }, metrics: { test: { loss: 1, top1: 0.5 + job.seed / 10 } }, cost }
    : { error: 'FusedConv2D only supports rank-1 bias but got rank 4.\n    at somewhere' }),
} as RunRecord);

/**
 * A results folder as `prunebench run` leaves it: a study.json pinning a definition and the jobs
 * it derives, one record per job (ids hash their definitions), and the files finished runs write.
 */
function studyFolder(seeds: number[], configFile: string, retrainStatus: RunRecord['status'] = 'finished'): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-report-'));
  const store = new ResultStore(out);
  const study = {
    configFile, out, workers: 1, backend: 'wasm', dataset: { id: 'synthetic', options: {} }, model: { id: 'tiny', options: {} },
    pruners: [{ id: 'taylor', options: { plan: 'uniform' } }], schedules: [{ id: 'clr', options: {} }], budgets: [2], seeds,
    original: { epochs: 2, lr: 0.1, milestones: [1], gamma: 0.1, batchSize: 8, momentum: 0.9, weightDecay: 0, nesterov: false, dropLast: true },
    budgetAccounting: 'retraining', identity: { backend: true },
  } as unknown as StudyDefinition;
  const jobs = expandStudy(study);
  for (const job of jobs) {
    if (job.kind !== 'retrain') {
      store.writeFile(job.id, 'model/model.json', '{}');
      store.writeFile(job.id, 'model/weights.bin', new Uint8Array(4));
    } else if (retrainStatus === 'finished') {
      store.writeFile(job.id, 'history.csv', 'epoch\n0\n');
      store.writeFile(job.id, 'schedule.json', '[]');
    }
    store.write(job.kind === 'original' ? original(job) : job.kind === 'prune' ? prune(job) : retrain(job, retrainStatus));
  }
  fs.writeFileSync(path.join(out, 'study.json'), JSON.stringify(studyFileFor(study, jobs)));
  return out;
}

describe('report.html', () => {
  it('has the columns of summary.md, and prints paths relative to the results folder', async () => {
    const configFile = path.join(os.tmpdir(), 'configs', 'study.config.json');
    const out = studyFolder([0, 1], configFile);
    const report = await writeReport(out);
    const html = fs.readFileSync(report.reportHtml, 'utf8');
    for (const column of ['budget (epochs)', "pruner's cost (measured)", "pruner's cost (declared)", 'retraining steps', 'total compute (MAC)']) expect(html).toContain(`<th>${column.replace("'", "'")}</th>`);
    expect(html).toContain('<td>256 fwd, 128 bwd</td>');
    expect(html).toContain('<td>20</td>');
    expect(html).not.toContain(out); // no absolute path of the results folder
    expect(html).toContain(`<code>${path.relative(out, configFile).split(path.sep).join('/')}</code>`);
    const jsonl = fs.readFileSync(report.resultsJsonl, 'utf8');
    expect(jsonl).not.toContain('"/somewhere/abs');
    expect(JSON.parse(jsonl.split('\n')[0]).configFile).toBe(path.relative(out, '/somewhere/abs/study.config.json'));
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('shows a failed study without NaN, with the error text', async () => {
    const out = studyFolder([0], '/x/study.config.json', 'failed');
    const report = await writeReport(out);
    const html = fs.readFileSync(report.reportHtml, 'utf8');
    expect(html).not.toMatch(/NaN/);
    expect(html).toMatch(/<td>–<\/td><td>–<\/td>/); // params ↓ and FLOPs ↓ unknown
    expect(html).toContain('<h2>Failed or diverged runs</h2>');
    expect(html).toContain('FusedConv2D only supports rank-1 bias but got rank 4.');
    expect(fs.readFileSync(report.summaryMd, 'utf8')).not.toMatch(/NaN/);
    fs.rmSync(out, { recursive: true, force: true });
  });
});

describe('summary.csv', () => {
  it('says each unit in its column name, rounds away float noise, counts seeds, leaves one seed\'s std empty', async () => {
    const out = studyFolder([0, 1], '/x/study.config.json');
    const two = (await writeReport(out)).summaryCsv;
    const [header, row] = fs.readFileSync(two, 'utf8').trim().split('\n').map((line) => line.split(','));
    const at = (name: string) => row[header.indexOf(name)];
    expect(header).toEqual(expect.arrayContaining(['budget_epochs', 'top1_mean_pct', 'top1_std_pct', 'top1_ci_low_pct', 'top1_ci_high_pct', 'n', 'params_reduction_pct', 'macs_reduction_pct', 'params_after', 'macs_after']));
    expect(header).not.toContain('seeds');
    expect(header).not.toContain('top1_mean');
    expect(header.filter((name) => /flops/.test(name))).toEqual([]);
    expect(at('top1_mean_pct')).toBe('55');
    expect(at('top1_std_pct')).toBe('7.0711');
    // 55 ± 12.706 × 7.0711 / √2 = 55 ± 63.53: clipped to [0, 100].
    expect([at('top1_ci_low_pct'), at('top1_ci_high_pct')]).toEqual(['0', '100']);
    expect(at('n')).toBe('2');
    expect(at('macs_after')).toBe('2500');
    for (const cell of row) expect(cell).not.toMatch(/\.\d{5,}/);
    // No column is empty on every row.
    for (const [i, name] of header.entries()) expect([name, row[i]]).not.toEqual([name, '']);
    fs.rmSync(out, { recursive: true, force: true });

    const single = studyFolder([0], '/x/study.config.json');
    const one = fs.readFileSync((await writeReport(single)).summaryCsv, 'utf8').trim().split('\n').map((line) => line.split(','));
    expect(one[1][one[0].indexOf('n')]).toBe('1');
    // One seed: no std and no interval, so no such columns.
    expect(one[0]).not.toContain('top1_std_pct');
    expect(one[0]).not.toContain('top1_ci_low_pct');
    expect(one[0]).not.toContain('original_top1_std_pct');
    fs.rmSync(single, { recursive: true, force: true });
  });
});

describe('a folder with no record that passes its checks', () => {
  it('is refused, and its last summary is left as it was', async () => {
    const out = studyFolder([0], '/x/study.config.json');
    const first = await writeReport(out);
    const before = fs.readFileSync(first.summaryMd, 'utf8');
    expect(before).toContain('taylor/uniform');
    // Records written before records were sealed (or edited by hand) carry no seal.
    for (const id of fs.readdirSync(path.join(out, 'runs'))) {
      const file = path.join(out, 'runs', id, 'run.json');
      const { seal: _seal, ...unsealed } = JSON.parse(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, JSON.stringify(unsealed));
    }
    await expect(writeReport(out)).rejects.toThrow(NothingVerifiedError);
    await expect(writeReport(out)).rejects.toThrow(/none of the 3 run records .* passed its checks \(e\.g\. runs\/\S+: run\.json carries no seal/);
    expect(fs.readFileSync(first.summaryMd, 'utf8')).toBe(before);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
