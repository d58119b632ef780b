import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from '../study/record';
import type { RunPredictions } from '../study/predictions';
import { referenceReadme } from './reference-readme';
import { checkReferenceDesign } from './reference-design';
import { referenceFixture } from './test-reference-study';
import { describeReferenceRecomputation, referenceRecomputation } from './test-reference-recompute';

/*
 * The generated docs/results README (issue 31 item 3): every figure it prints must recompute
 * from the study's results.jsonl. The study here is a fixture written to a results.jsonl and
 * read back, with a clear LRW gain, a clear reversal (random + CLR behind), SLR sharing LRW's LR
 * curve at one budget, and noise elsewhere; the recomputation below is this test's own (mean,
 * t interval and test, sign-flip enumeration, Holm, McNemar from predictions, distinct pairs).
 */

// Deterministic noise: a small hash of the run's coordinates.
const noise = (...keys: Array<string | number>) => {
  let h = 2166136261;
  for (const c of keys.join('|')) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return ((h >>> 0) % 1000) / 1000 - 0.5; // [−0.5, 0.5)
};
const top1 = (pruner: string, schedule: string, budget: number, seed: number) => {
  let points = 88 + 2 * noise(pruner, schedule, budget, seed);
  if (schedule === 'lrw' || (schedule === 'slr' && budget === 10)) points = 88 + 3 + 0.1 * noise('lrw', pruner, budget, seed); // held: LRW ≫ FT
  if (pruner.startsWith('random') && schedule === 'clr') points = 80 + 0.1 * noise(budget, seed); // not held: random + CLR ≪ l1 + FT
  return points / 100;
};
const digest = (schedule: string, budget: number) => (schedule === 'slr' && budget === 10 ? 'lrw@10' : `${schedule}@${budget}`);

const { records: fixture } = referenceFixture({ top1, digest });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-reference-readme-'));
fs.writeFileSync(path.join(dir, 'results.jsonl'), fixture.map((r) => JSON.stringify(r)).join('\n') + '\n');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const records = fs.readFileSync(path.join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RunRecord);

// Per-example test predictions of 200 examples for every retraining run: run-specific errors.
const EXAMPLES = 200;
const predictionsOf = (id: string): RunPredictions => {
  const label = new Uint16Array(EXAMPLES).map((_, i) => i % 10);
  const rate = id.includes('-lrw-') ? 0.05 : 0.25;
  const predicted = label.map((l, i) => (noise(id, i) + 0.5 < rate ? (l + 1) % 10 : l));
  return new Map([['test', { label, predicted }]]);
};
const readme = referenceReadme(records, { folder: 'fixture', config: 'benchmarks/studies/fashion-mnist-reference.config.json', predictions: predictionsOf, design: checkReferenceDesign(records, () => undefined) });

const { rowsOf } = referenceRecomputation({ readme, records, predictionsOf });

describe('the generated reference README recomputes from results.jsonl', () => {
  describeReferenceRecomputation(() => ({ readme, records, predictionsOf }));

  it('the fixture has each verdict the rules can give, so the verdict column can be wrong', () => {
    const verdicts = [1, 2, 3].flatMap((n) => rowsOf(n).map((c) => c[9]));
    expect(verdicts).toEqual(expect.arrayContaining(['held', 'not held', 'not distinguishable from zero at this n']));
    expect(verdicts.some((v) => v.startsWith('the same runs as'))).toBe(true);
  });

  it('states the scale from the records, and lists the design checks as they came out', () => {
    expect(readme).toContain('vgg-small (100 params, 1,000 MACs) on fashion-mnist with 5,000 training images, 2,000 validation images and 10,000 test images');
    expect(readme).toContain('under budgets of 10 epochs and more');
    expect(readme).toContain('| original-plateau | **no** | original of seed 0: no history.csv');
    expect(readme).toContain('| budgets | yes | budgets 10, 15 epochs |');
    expect(readme).toContain('smallest possible p with 4 seeds: 0.1250');
  });
});
