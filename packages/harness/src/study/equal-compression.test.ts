import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PrunebenchConfig } from '@prunebench/core';
import { analyzeStudy } from '../report/analysis';
import { runStudy } from './run-study';
import type { RunRecord } from './record';
import { readStudyFile } from './study-folder';

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
  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-compression-'));
    await runStudy({ configFile: null, inlineConfig: { ...config, out }, dir: out, builtinModules: BUILTINS, overrides: {} }, { write: () => {}, isTTY: false });
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
});
