import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from '../study/record';
import { readPredictions } from '../study/predictions';
import { checkReferenceDesign } from './reference-design';
import { referenceReadme } from './reference-readme';
import { describeReferenceRecomputation } from './test-reference-recompute';

/*
 * docs/results holds the one result prunebench publishes: the reference study
 * (benchmarks/studies/fashion-mnist-reference.config.json, issue 31). Its README is generated
 * (benchmarks/reference-study.ts readme) from the committed copy of the study's records, the
 * originals' per-epoch histories and the retrainings' test predictions. These tests check, from
 * those committed files alone, that
 *   - the README is exactly what the generator writes from them (no hand edits, no stale copy);
 *   - every property of the design holds (reference-design.ts);
 *   - every figure of its tables recomputes with this package's tests' own arithmetic
 *     (test-reference-recompute.ts, shared with the fixture test of the generator).
 */
const docs = path.join(__dirname, '..', '..', '..', '..', 'docs', 'results');
const folder = path.join(docs, 'fashion-mnist-reference');
const CONFIG = 'benchmarks/studies/fashion-mnist-reference.config.json';
const readme = fs.readFileSync(path.join(docs, 'README.md'), 'utf8');
const records = fs.readFileSync(path.join(folder, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RunRecord);
const history = (id: string) => {
  const file = path.join(folder, 'history', `${id}.csv`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
};
const predictionsOf = (id: string) => {
  const dir = path.join(folder, 'predictions', id);
  return fs.existsSync(dir) ? readPredictions(dir) : undefined;
};

describe('docs/results: the reference study, from its committed records', () => {
  it('every run finished, and every retraining has its test predictions committed', () => {
    expect(records.filter((r) => r.status !== 'finished').map((r) => `${r.id}: ${r.status}`)).toEqual([]);
    const missing = records.filter((r) => r.kind === 'retrain' && predictionsOf(r.id)?.get('test') === undefined).map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('the README is what the generator writes from the committed files (node benchmarks/dist/reference-study.js readme docs/results/fashion-mnist-reference --out docs/results/README.md)', () => {
    const design = checkReferenceDesign(records, history);
    const generated = referenceReadme(records, { folder: 'fashion-mnist-reference', config: CONFIG, predictions: predictionsOf, design });
    expect(readme).toBe(generated);
  });

  // One property did not hold in this run, and the README's design table says so: l1's network
  // pruned at uniform 0.2 and not retrained fell to 28.19 % on seed 3 (59.87, 56.60 and 43.89 % on
  // seeds 0-2; the design asks for >= 40 % on every seed). Issue 31 stays open for a rerun with a
  // milder plan; until then this test pins exactly that deviation, so any other one fails it.
  const NOT_HELD: Record<string, RegExp> = { 'pruned-above-chance': /^l1\/uniform seed 3: 28\.19 % pruned, not retrained < 40\.00 %$/ };

  it('every property of the design holds but the one the README reports as not held (l1 pruned on seed 3)', () => {
    const checks = checkReferenceDesign(records, history);
    for (const c of checks) {
      if (NOT_HELD[c.property]) expect([c.held, c.detail]).toEqual([false, expect.stringMatching(NOT_HELD[c.property])]);
      else expect(`${c.property}: ${c.held ? 'held' : c.detail}`).toBe(`${c.property}: held`);
    }
    expect(readme).toMatch(/\| pruned-above-chance \| \*\*no\*\* \| l1\/uniform seed 3: 28\.19 %/);
  });

  it('the files the README links to exist', () => {
    const links = [...readme.matchAll(/\]\(((?!https?:)[^)#]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(fs.existsSync(path.join(docs, link)) ? link : `missing: ${link}`).toBe(link);
  });

  describeReferenceRecomputation(() => ({ readme, records, predictionsOf }));
});
