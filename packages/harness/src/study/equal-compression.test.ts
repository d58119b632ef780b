import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PrunebenchConfig } from '@prunebench/core';
import { analyzeStudy } from '../report/analysis';
import { runStudy } from './run-study';
import type { RunRecord } from './record';
import { readStudyFile } from './study-folder';
import { ResultStore } from './store';
import { checkArtifacts } from './verify';

// A whole tiny study in this thread (wasm with prunebench's kernels): four criteria under one
// `global` plan aimed at half the MACs, with the `random` baseline.
const packages = path.join(__dirname, '..', '..', '..');
const BUILTINS = ['schedules', 'pruners', 'models', 'datasets'].map((name) => path.join(packages, name, 'src', 'index.ts'));

const plan = { use: 'global', target: { macs: 0.5 } };
const config: PrunebenchConfig = {
  dataset: { use: 'synthetic', inputShape: [16, 16, 1], numClasses: 4, trainSize: 32, testSize: 16, noise: 0.3 },
  model: 'vgg-small',
  original: { epochs: 1, batchSize: 16, lr: 0.05, milestones: [], gamma: 0.1, momentum: 0.9, weightDecay: 1e-4 },
  pruners: [{ use: 'l1', plan }, { use: 'fpgm', plan }, { use: 'bn-scale', plan }, { use: 'random', plan }],
  baselines: ['random'],
  schedules: ['ft'],
  budgets: [1],
  seeds: [5],
  backend: 'wasm',
  workers: 1,
};

describe('a compression target under a score-ranked plan: every pruner at the target, every lift over random between equal networks', () => {
  let records: RunRecord[];
  let out: string;
  let summary: string;
  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-compression-'));
    await runStudy({ configFile: null, inlineConfig: { ...config, out }, dir: out, builtinModules: BUILTINS, overrides: {} }, { write: () => {}, isTTY: false });
    summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    records = fs.readdirSync(path.join(out, 'runs')).map((id) => JSON.parse(fs.readFileSync(path.join(out, 'runs', id, 'run.json'), 'utf8')) as RunRecord);
  }, 300_000);
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  const prunes = () => records.filter((r) => r.kind === 'prune');
  const kept = (r: RunRecord) => (JSON.parse(fs.readFileSync(path.join(out, 'runs', r.id, 'selections.json'), 'utf8')) as Array<Array<[number, number[]]>>)[0].map(([g, c]) => [g, c.length]);

  it('l1, fpgm, bn-scale and random each land within 0.5% of the target MACs, and the record says so', () => {
    expect(records.every((r) => r.status === 'finished')).toBe(true);
    const labels = prunes().map((r) => r.pruner).sort();
    expect(labels).toEqual(['bn-scale/global', 'fpgm/global', 'l1/global', 'random/global', 'random/global@bn-scale', 'random/global@fpgm', 'random/global@l1']);
    for (const r of prunes()) {
      expect(r.compression!.target).toEqual({ macs: 0.5 });
      expect(Math.abs(r.compression!.achieved.macsRemoved - 0.5)).toBeLessThanOrEqual(0.005);
      expect(r.compression!.achieved.macsRemoved).toBeCloseTo(1 - r.cost!.after.macs / r.cost!.before.macs, 12);
      // The CPU time of the thread that pruned, beside the engine's MACs.
      expect(r.measured!.cpuSeconds).toBeGreaterThan(0);
      expect(r.measured!.cpuScope).toBe('thread');
    }
  });

  it('every lift over random compares the criterion with random pruning of its own per-layer counts', () => {
    const analysis = analyzeStudy(records, readStudyFile(out)!.study);
    expect(analysis.compression.refused).toEqual([]);
    expect(analysis.lifts.map((l) => `${l.pruner} vs ${l.against}`).sort()).toEqual([
      'bn-scale/global vs random/global@bn-scale',
      'fpgm/global vs random/global@fpgm',
      'l1/global vs random/global@l1',
    ]);
    const prune = (label: string) => prunes().find((r) => r.pruner === label)!;
    for (const lift of analysis.lifts) {
      const [criterion, random] = [prune(lift.pruner), prune(lift.against)];
      expect(kept(random)).toEqual(kept(criterion));
      expect(random.cost!.after).toEqual(criterion.cost!.after);
      // Same counts, other channels: random did choose its own.
      expect(fs.readFileSync(path.join(out, 'runs', random.id, 'selections.json'), 'utf8')).not.toBe(fs.readFileSync(path.join(out, 'runs', criterion.id, 'selections.json'), 'utf8'));
    }
  });

  it('stores each evaluated run\'s per-example predictions, listed and digested with its artifacts', () => {
    for (const r of records.filter((x) => x.kind !== 'original' || x.status === 'finished')) {
      const file = path.join(out, 'runs', r.id, 'predictions.bin');
      expect(fs.existsSync(file)).toBe(true);
      expect(r.artifacts!['predictions.bin']).toMatch(/^[0-9a-f]{64}$/);
      expect(readTest(file).label).toHaveLength(16);
    }
  });

  it("McNemar's p-values in the report recompute exactly from the stored predictions (an independent implementation)", () => {
    const rows = [...summary.matchAll(/\| lift: (\S+) − (\S+), ft @ 1 ep \|[^|]*\|[^|]*\|[^|]*\|[^|]*\| seed 5: b (\d+), c (\d+), p ([\d.]+|< 0\.0001) \|/g)];
    expect(rows).toHaveLength(3);
    const retrain = (label: string) => records.find((r) => r.kind === 'retrain' && r.pruner === label)!;
    for (const [, criterion, random, b, c, p] of rows) {
      const [x, y] = [criterion, random].map((label) => readTest(path.join(out, 'runs', retrain(label).id, 'predictions.bin')));
      let onlyFirst = 0;
      let onlySecond = 0;
      x.label.forEach((label, i) => {
        expect(y.label[i]).toBe(label);
        const [right1, right2] = [x.predicted[i] === label, y.predicted[i] === label];
        if (right1 && !right2) onlyFirst++;
        if (right2 && !right1) onlySecond++;
      });
      expect([Number(b), Number(c)]).toEqual([onlyFirst, onlySecond]);
      expect(p).toBe(exactMcNemar(onlyFirst, onlySecond));
    }
    expect(summary).toMatch(/Two runs of one seed disagree on a median of \d+(\.\d+)? of them/);
  });

  it('writes CSVs for pandas: percent accuracies, whole counts, no empty column, one file per kind of comparison', () => {
    const table = (file: string) => {
      const [header, ...rows] = fs.readFileSync(path.join(out, file), 'utf8').trim().split('\n').map((line) => line.split(','));
      return { header, rows, col: (name: string) => rows.map((r) => r[header.indexOf(name)]) };
    };
    const runs = table('runs.csv');
    expect(runs.header).toEqual(expect.arrayContaining(['test_top1_pct', 'macs_before', 'macs_after', 'params_after']));
    expect(runs.header.filter((h) => /flops|^test_top1$|validation/.test(h))).toEqual([]); // no validation split: no empty column for it
    for (const name of runs.header) expect(runs.col(name).some((v) => v !== '')).toBe(true);
    for (const name of ['macs_after', 'params_after', 'test_examples', 'seed']) for (const v of runs.col(name)) expect(v).toMatch(/^\d+$/);
    const retrain = records.find((r) => r.kind === 'retrain')!;
    expect(Number(runs.rows.find((r) => r[0] === retrain.id)![runs.header.indexOf('test_top1_pct')])).toBeCloseTo(100 * retrain.metrics!.test!.top1, 4);
    const summaryCsv = table('summary.csv');
    expect(summaryCsv.header).toEqual(expect.arrayContaining(['top1_mean_pct', 'n', 'macs_after', 'params_after', 'measured_pruner_cpu_seconds']));
    const lifts = table('lifts.csv');
    expect(lifts.rows).toHaveLength(3);
    expect(lifts.header).toEqual(expect.arrayContaining(['pruner', 'against', 'diff_mean_pp', 'p', 'p_holm', 'seeds_up']));
    for (const v of lifts.col('p')) expect(Number(v)).toBeGreaterThan(0);
    const mcnemar = table('mcnemar.csv');
    expect(mcnemar.rows.filter((r) => r[0] === 'lift')).toHaveLength(3);
    expect(mcnemar.col('examples').every((v) => v === '16')).toBe(true);
    expect(fs.existsSync(path.join(out, 'gains.csv'))).toBe(true);
  });

  it('verifies predictions.bin like every artifact: a changed file is named (run last: it damages the folder)', () => {
    const retrain = records.find((r) => r.kind === 'retrain')!;
    const store = new ResultStore(out);
    expect(checkArtifacts(store, retrain)).toBeUndefined();
    const file = path.join(out, 'runs', retrain.id, 'predictions.bin');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] ^= 1;
    fs.writeFileSync(file, bytes);
    expect(checkArtifacts(store, retrain)).toEqual(expect.objectContaining({ file: 'predictions.bin', why: expect.stringMatching(/has changed since the run wrote it/) }));
  });
});

/** The test split of a predictions.bin, read straight from its bytes (the documented layout). */
function readTest(file: string): { predicted: number[]; label: number[] } {
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 8).toString('ascii')).toBe('PBPRED01');
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as { splits: Array<{ name: string; examples: number }> };
  let offset = 12 + headerLength;
  for (const split of header.splits) {
    const values = Array.from({ length: 2 * split.examples }, (_, i) => bytes.readUInt16LE(offset + 2 * i));
    if (split.name === 'test') return { predicted: values.slice(0, split.examples), label: values.slice(split.examples) };
    offset += 4 * split.examples;
  }
  throw new Error('no test split');
}

/** Two-sided exact McNemar p with whole-number arithmetic, formatted as the report does. */
function exactMcNemar(b: number, c: number): string {
  const n = BigInt(b + c);
  let choose = 1n;
  let tail = 0n;
  for (let i = 0n; i <= BigInt(Math.min(b, c)); i++) {
    tail += choose;
    choose = (choose * (n - i)) / (i + 1n);
  }
  const p = Math.min(1, Number(2n * tail * 10n ** 12n / 2n ** n) / 1e12);
  return p < 0.0001 ? '< 0.0001' : p.toFixed(4);
}
