import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from './record';
import { writeReport } from './report';
import { ResultStore } from './store';
import { emptyLedgerEntries } from '@prunebench/core';

import { definitionHash } from '../util/hash';

const base = { versions: { prunebench: '0', tfjs: '0', backend: 'wasm' }, startedAt: '', finishedAt: '' };
const idOf = (kind: string, definition: object) => `${kind}-${definitionHash(definition)}`;
const originalId = (seed: number) => idOf('original', { seed });
const pruneId = (seed: number) => idOf('prune', { original: originalId(seed), seed });

/**
 * A results folder as `prunebench run` leaves it: records whose ids hash their definitions, the
 * checkpoints finished originals and prunes write, and a study.json pinning exactly these jobs.
 */
function studyFolder(records: RunRecord[], configFile: string): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-report-'));
  const store = new ResultStore(out);
  for (const r of records) {
    if (r.status === 'finished' && r.kind !== 'retrain') {
      store.writeFile(r.id, 'model/model.json', '{}');
      store.writeFile(r.id, 'model/weights.bin', new Uint8Array(4));
    }
    store.write(r);
  }
  const jobs = records.map((r) => ({ id: r.id, kind: r.kind, deps: [] }));
  fs.writeFileSync(path.join(out, 'study.json'), JSON.stringify({ format: 1, configFile, definitionHash: 'x', study: { configFile, dataset: { id: 'synthetic', options: {} }, model: { id: 'tiny', options: {} }, pruners: [{ id: 'taylor', options: { plan: 'uniform' } }], schedules: [{ id: 'clr', options: {} }], budgets: [2], seeds: [0, 1], original: { epochs: 2, lr: 0.1, milestones: [1], gamma: 0.1, batchSize: 8, momentum: 0.9, weightDecay: 0, nesterov: false, dropLast: true }, budgetAccounting: 'retraining', identity: { backend: true } }, jobs }));
  return out;
}

const original = (seed: number): RunRecord => ({
  ...base, id: originalId(seed), kind: 'original', status: 'finished', seed, configFile: '/somewhere/abs/study.config.json', definition: { seed },
  ledger: emptyLedgerEntries(), metrics: { test: { loss: 1, top1: 0.9 } }, cost: { before: { params: 1000, macs: 5000 }, after: { params: 1000, macs: 5000 } },
} as RunRecord);

const prune = (seed: number): RunRecord => ({
  ...base, id: pruneId(seed), kind: 'prune', status: 'finished', seed, pruner: 'taylor/uniform', configFile: '/somewhere/abs/study.config.json',
  definition: { original: originalId(seed), seed }, metrics: { test: { loss: 1, top1: 0.4 } },
  cost: { before: { params: 1000, macs: 5000 }, after: { params: 600, macs: 2500 } },
  ledger: { ...emptyLedgerEntries(), extraForwardSamples: 256, extraBackwardSamples: 128 },
} as RunRecord);

const retrain = (seed: number, status: RunRecord['status'] = 'finished'): RunRecord => {
  const definition = { prune: pruneId(seed), seed };
  return {
    ...base, id: idOf('retrain', definition), kind: 'retrain', status, seed, pruner: 'taylor/uniform', schedule: 'clr', budget: 2, plannedSteps: 20,
    batching: { trainSize: 80, batchSize: 8, dropLast: true, stepsPerEpoch: 10 }, budgetAccounting: { mode: 'retraining', epochs: 2, deductedSteps: 0, expectedSteps: 20, expectedSamples: 160 },
    configFile: '/somewhere/abs/study.config.json', definition,
    ...(status === 'finished'
      ? { ledger: { ...emptyLedgerEntries(), optimizerSteps: 20, samples: 160 }, metrics: { test: { loss: 1, top1: 0.5 + seed / 10 } }, cost: { before: { params: 1000, macs: 5000 }, after: { params: 600, macs: 2500 } } }
      : { error: 'FusedConv2D only supports rank-1 bias but got rank 4.\n    at somewhere' }),
  } as RunRecord;
};

describe('report.html', () => {
  it('has the columns of summary.md, and prints paths relative to the results folder', async () => {
    const configFile = path.join(os.tmpdir(), 'configs', 'study.config.json');
    const out = studyFolder([original(0), original(1), prune(0), prune(1), retrain(0), retrain(1)], configFile);
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
    const out = studyFolder([original(0), prune(0), retrain(0, 'failed')], '/x/study.config.json');
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
    const out = studyFolder([original(0), original(1), prune(0), prune(1), retrain(0), retrain(1)], '/x/study.config.json');
    const two = (await writeReport(out)).summaryCsv;
    const [header, row] = fs.readFileSync(two, 'utf8').trim().split('\n').map((line) => line.split(','));
    const at = (name: string) => row[header.indexOf(name)];
    expect(header).toEqual(expect.arrayContaining(['budget_epochs', 'top1_mean_pct', 'top1_std_pct', 'seeds', 'params_reduction_pct', 'flops_after_macs']));
    expect(header).not.toContain('n');
    expect(header).not.toContain('top1_mean');
    expect(at('top1_mean_pct')).toBe('55');
    expect(at('top1_std_pct')).toBe('7.0711');
    expect(at('seeds')).toBe('2');
    for (const cell of row) expect(cell).not.toMatch(/\.\d{5,}/);
    fs.rmSync(out, { recursive: true, force: true });

    const single = studyFolder([original(0), prune(0), retrain(0)], '/x/study.config.json');
    const one = fs.readFileSync((await writeReport(single)).summaryCsv, 'utf8').trim().split('\n').map((line) => line.split(','));
    expect(one[1][one[0].indexOf('seeds')]).toBe('1');
    expect(one[1][one[0].indexOf('top1_std_pct')]).toBe('');
    expect(one[1][one[0].indexOf('original_top1_std_pct')]).toBe('');
    fs.rmSync(single, { recursive: true, force: true });
  });
});
