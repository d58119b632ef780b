import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyKeptChannels, buildChannelGraph } from '@prunebench/core';
import { loadCheckpoint } from '@prunebench/harness';
import { main } from '../main';
import { collectingIo } from '../test-io';
import { runTinyStudy, type StudyRecord } from './test-tiny-study';

/**
 * Weight rewinding as Renda et al. (ICLR 2020) define it, end to end on wasm: the original keeps
 * its epoch-k weights (a verified artifact), the prune resets the kept weights to them, and the
 * study's `lrw` retraining over T − k epochs replays the original's LR curve from epoch k.
 */
describe('weight rewinding (renda-weight-rewinding)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-rewind-'));
  const out = path.join(root, 'results');
  const configFile = path.join(root, 'prunebench.config.json');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  let records: StudyRecord[] = [];
  const k = 1;
  const T = 3;

  beforeAll(async () => {
    records = await runTinyStudy(root, {
      dataset: { use: 'fashion-mnist', trainSize: 96, testSize: 50 },
      model: { use: 'vgg-small', widths: [8, 'M', 8, 'M'], hiddenUnits: 8 },
      original: { epochs: T, batchSize: 32, lr: 0.05, milestones: [2], gamma: 0.1, momentum: 0.9, weightDecay: 1e-4 },
      pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 }, iterative: { preset: 'renda-weight-rewinding', steps: 1, rewindEpoch: k } }],
      schedules: ['lrw'],
      budgets: [T - k],
      seeds: [0],
    });
  }, 300_000);

  it("retrains on the original's LR curve from epoch k: the retrain's digest is the one the original recorded for k", () => {
    const original = records.find((r) => r.kind === 'original')!;
    const retrain = records.find((r) => r.kind === 'retrain')!;
    expect(retrain.status).toBe('finished');
    expect(original.rewind).toEqual([{ epoch: k, checkpoint: `rewind-epoch-${k}`, curveDigest: expect.stringMatching(/^sha256:/) }]);
    expect(retrain.scheduleDigest).toBe(original.rewind[0].curveDigest);
    expect(retrain.scheduleDigest).not.toBe(original.scheduleDigest);
    expect(records.find((r) => r.kind === 'prune')!.pruner).toBe(`l1/uniform (weight rewinding to epoch ${k}, 1 round)`);
  });

  it("resets the kept weights to the original's epoch-k checkpoint, bit for bit", async () => {
    const original = records.find((r) => r.kind === 'original')!;
    const prune = records.find((r) => r.kind === 'prune')!;
    const { model: atK } = await loadCheckpoint(path.join(out, 'runs', original.id, `rewind-epoch-${k}`));
    const { model: pruned } = await loadCheckpoint(path.join(out, 'runs', prune.id, 'model'));
    const selections = JSON.parse(fs.readFileSync(path.join(out, 'runs', prune.id, 'selections.json'), 'utf8')) as Array<Array<[number, number[]]>>;
    expect(selections).toHaveLength(1);
    const expected = applyKeptChannels(atK, buildChannelGraph(atK), new Map(selections[0]));
    const got = pruned.getWeights().map((w) => Array.from(w.dataSync()));
    const want = expected.getWeights().map((w) => Array.from(w.dataSync()));
    expect(got).toEqual(want);
    [atK, pruned, expected].forEach((m) => m.dispose());
  });

  it("verifies the epoch-k checkpoint like the original's other artifacts: a changed one is refused", async () => {
    const original = records.find((r) => r.kind === 'original')!;
    expect(Object.keys(original.artifacts)).toEqual(expect.arrayContaining([`rewind-epoch-${k}/model.json`, `rewind-epoch-${k}/weights.bin`]));
    const weights = path.join(out, 'runs', original.id, `rewind-epoch-${k}`, 'weights.bin');
    const saved = fs.readFileSync(weights);
    const changed = Buffer.from(saved);
    changed[changed.length - 1] ^= 1;
    fs.writeFileSync(weights, changed);
    // Resuming checks every finished run's artifacts: the original is redone, and what was made from it.
    const io = collectingIo();
    expect(await main(['run', '--config', configFile], io)).toBe(0);
    expect(io.stdout()).toMatch(new RegExp(`redoing runs/${original.id}: rewind-epoch-${k}/weights\\.bin has changed since the run wrote it`));
    expect(io.stdout()).toMatch(/redoing runs\/prune-\w+: run.json was made from runs\//);
    expect(fs.readFileSync(weights)).toEqual(saved);
  }, 300_000);
});
