import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyKeptChannels, buildChannelGraph } from '@prunebench/core';
import { loadCheckpoint, openStudy, sealRecord } from '@prunebench/harness';
import { BUILTIN_PLUGIN_MODULES } from '../builtins';
import { main } from '../main';
import { collectingIo } from '../test-io';
import { runTinyStudy } from './test-tiny-study';

/**
 * The study's full design on embedded Fashion-MNIST at tiny sizes: baselines (random
 * counterparts, pruned-not-retrained, Scratch-E / B), an iterative pruner with weight
 * rewinding, the one-cycle variants, SLR at budgets without warm-up, two seeds, and the
 * generated report whose claims are recomputed here from results.jsonl.
 */
describe('a study using every part of the design', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-design-'));
  const out = path.join(root, 'results');
  const configFile = path.join(root, 'prunebench.config.json');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let records: Rec[] = [];

  beforeAll(async () => {
    records = await runTinyStudy(root, {
      dataset: { use: 'fashion-mnist', trainSize: 128, testSize: 100 },
      model: { use: 'vgg-small', widths: [8, 'M', 16, 'M'], hiddenUnits: 16 },
      original: { epochs: 2, batchSize: 32, lr: 0.05, milestones: [1], gamma: 0.1, momentum: 0.9, weightDecay: 1e-4 },
      pruners: [
        { use: 'l1', plan: { use: 'uniform', ratio: 0.5 } },
        { use: 'l1', plan: { use: 'uniform', ratio: 0.25 }, iterative: { steps: 2, retrainEpochs: 1, schedule: 'lrw', rewindEpoch: 1 } },
      ],
      schedules: ['ft', 'slr', 'clr-nomom', 'clr-div10'],
      budgets: [1, 2],
      seeds: [0, 1],
      baselines: ['random', 'pruned', 'scratch-e', 'scratch-b'],
    });
  }, 600_000);

  it('runs every job: random counterparts added, scratch baselines per pruner × seed', () => {
    expect(records.every((r) => r.status === 'finished')).toBe(true);
    const prunerLabels = [...new Set(records.filter((r) => r.kind === 'prune').map((r) => r.pruner))].sort();
    expect(prunerLabels).toEqual(['l1/uniform', 'l1/uniform (2 steps × 1 ep lrw, rewind 1)', 'random/uniform', 'random/uniform (2 steps × 1 ep lrw, rewind 1)']);
    expect(records.filter((r) => r.kind === 'retrain')).toHaveLength(4 * 4 * 2 * 2);
    const scratch = records.filter((r) => r.kind === 'scratch');
    expect(scratch).toHaveLength(4 * 2 * 2);
    for (const r of scratch) {
      if (r.scratch.variant === 'scratch-e') expect(r.scratch.epochs).toBe(2);
      else {
        const factor = r.cost.before.macs / r.cost.after.macs;
        expect(r.scratch.factor).toBeCloseTo(factor, 10);
        expect(r.scratch.epochs).toBe(Math.round(2 * factor));
        expect(r.ledger.optimizerSteps).toBe(r.scratch.epochs * 4); // floor(128 / 32) steps per epoch
      }
    }
  });

  it('prunes iteratively, retraining between steps (counted apart) and rewinding to the epoch-1 weights', async () => {
    const prune = records.find((r) => r.kind === 'prune' && r.pruner.startsWith('l1/uniform (2 steps') && r.seed === 0)!;
    expect(prune.iterative).toEqual(expect.objectContaining({ steps: 2, retrainEpochs: 1, schedule: 'lrw', rewindEpoch: 1, plannedSteps: 4, optimizerSteps: 4, samples: 128 }));
    expect(prune.iterative.log).toHaveLength(2);
    expect(prune.iterative.log[0].params).toBeGreaterThan(prune.iterative.log[1].params);
    expect(prune.ledger.optimizerSteps).toBe(0); // the retraining between steps is not the audited retraining
    // The pruned model's weights are the original's after epoch 1, at the kept channels.
    const original = records.find((r) => r.kind === 'original' && r.seed === 0)!;
    const runs = path.join(out, 'runs');
    let rewound = (await loadCheckpoint(path.join(runs, original.id, 'rewind-epoch-1'))).model;
    const selections = JSON.parse(fs.readFileSync(path.join(runs, prune.id, 'selections.json'), 'utf8')) as Array<Array<[number, number[]]>>;
    expect(selections).toHaveLength(2);
    for (const selection of selections) rewound = applyKeptChannels(rewound, buildChannelGraph(rewound), new Map(selection));
    const pruned = (await loadCheckpoint(path.join(runs, prune.id, 'model'))).model;
    const finalWeights = (await loadCheckpoint(path.join(runs, original.id, 'model'))).model;
    const a = pruned.getWeights().map((w) => w.dataSync());
    const b = rewound.getWeights().map((w) => w.dataSync());
    expect(a.map((w) => w.length)).toEqual(b.map((w) => w.length));
    a.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(b[i])));
    // …and not the trained original's.
    expect(Array.from(finalWeights.getWeights()[0].dataSync())).not.toEqual(Array.from(rewound.getWeights()[0].dataSync()));
    for (const m of [rewound, pruned, finalWeights]) m.dispose();
  });

  it('records a digest of each exact LR/momentum curve: equal for equal curves, different otherwise', () => {
    const digest = (schedule: string, budget: number, seed: number) =>
      records.find((r) => r.kind === 'retrain' && r.schedule === schedule && r.budget === budget && r.seed === seed && r.pruner === 'l1/uniform')!.scheduleDigest;
    expect(digest('clr-nomom', 2, 0)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digest('clr-nomom', 2, 0)).toBe(digest('clr-nomom', 2, 1));
    expect(digest('clr-nomom', 2, 0)).not.toBe(digest('clr-div10', 2, 0));
    expect(digest('clr-nomom', 1, 0)).not.toBe(digest('clr-nomom', 2, 0));
  });

  it('writes a report whose claims recompute from results.jsonl', () => {
    const md = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    for (const heading of ['## Set-up', '## Which schedule, at equal budget', '## Lift over random', '## Pruned, not retrained', '## From scratch (Liu et al. 2019)', '## What pruning cost', '## What this test set can detect, and notes']) {
      expect(md).toContain(heading);
    }
    expect(md).toMatch(/All \d+ runs finished\./);
    expect(md).toMatch(/mean ± sample std \[95% t confidence interval of the mean\]/);
    expect(md).toMatch(/slr at 1, 2 epochs: its warm-up is empty/);
    expect(md).toMatch(/The test set has 100 examples/);
    expect(md).not.toContain(root); // no machine paths
    // Two seeds: no best cell is starred, and the report says why.
    expect(md).toMatch(/With 2 seeds \(fewer than 3\), no interval excludes anything: no ★ is given/);
    expect(md).not.toMatch(/★\*\*/);

    // The gain of clr-div10 over ft for l1/uniform at 2 epochs, paired by seed.
    const top1 = (schedule: string, seed: number, pruner = 'l1/uniform') => records.find((r) => r.kind === 'retrain' && r.pruner === pruner && r.schedule === schedule && r.budget === 2 && r.seed === seed)!.metrics.test.top1;
    const d = [0, 1].map((s) => top1('clr-div10', s) - top1('ft', s));
    const mean = (d[0] + d[1]) / 2;
    const fmt = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(2)}`;
    const gainTable = md.split('Gain over `ft` at the 2-epoch budget')[1].split('\n\n')[1];
    const row = gainTable.split('\n').find((l) => l.startsWith('| l1/uniform |'))!;
    if (d[0] === d[1] && d[0] === 0) expect(row).toContain('±0.00, 2/2 equal');
    else expect(row).toContain(fmt(mean));
    // Lift of l1 over random (ft, 2 epochs).
    const lift = [0, 1].map((s) => top1('ft', s) - top1('ft', s, 'random/uniform'));
    const liftTable = md.split('## Lift over random')[1].split('2-epoch budget.')[1];
    const liftRow = liftTable.split('\n').find((l) => l.startsWith('| l1/uniform vs random/uniform |'))!;
    if (lift[0] === 0 && lift[1] === 0) expect(liftRow).toContain('2/2 equal');
    else expect(liftRow).toContain(fmt((lift[0] + lift[1]) / 2));

    const csv = fs.readFileSync(path.join(out, 'runs.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(records.length + 1);
    expect(csv[0]).toMatch(/^id,kind,status,pruner,schedule,budget_epochs,seed,/);
    for (const f of ['accuracy-vs-budget.svg', 'accuracy-vs-macs.svg', 'learning-rates.svg']) expect(fs.statSync(path.join(out, 'figures', f)).size).toBeGreaterThan(1000);
  });

  it('refuses to report an iterative prune that did not take its planned retraining', async () => {
    const prune = records.find((r) => r.kind === 'prune' && r.iterative)!;
    const file = path.join(out, 'runs', prune.id, 'run.json');
    const saved = fs.readFileSync(file, 'utf8');
    const tampered = JSON.parse(saved);
    tampered.iterative.optimizerSteps = 3;
    // Sealed as a run that took 3 steps would have written it (an unsealed edit is not trusted at all).
    fs.writeFileSync(file, JSON.stringify(sealRecord(tampered)));
    const io = collectingIo();
    expect(await main(['report', out], io)).toBe(1);
    expect(io.stderr()).toMatch(new RegExp(`${prune.id} .* took 3 steps of retraining between prunings but planned 4`));
    fs.writeFileSync(file, saved);
  });
});

describe('docs/study-design.md', () => {
  it('has a config example that loads, resolves and constructs with the built-in plugins', async () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'docs', 'study-design.md'), 'utf8');
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));
    expect(blocks.length).toBeGreaterThan(0);
    for (const config of blocks) {
      const env = await openStudy({ configFile: null, inlineConfig: config, dir: os.tmpdir(), builtinModules: [...BUILTIN_PLUGIN_MODULES], overrides: {} });
      expect(env.study.pruners.map((p) => p.id)).toEqual(['l1', 'l1', 'random', 'random']);
      expect(env.study.pruners[1].iterative).toEqual({ preset: 'renda-weight-rewinding', steps: 3, retrainEpochs: 8, schedule: { id: 'lrw', options: {} }, rewindEpoch: 2, retrainFromEpoch: 2 });
    }
  });
});
