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

  it('every property of the design holds, and the README says so', () => {
    const checks = checkReferenceDesign(records, history);
    expect(checks.length).toBeGreaterThanOrEqual(9);
    expect(checks.map((c) => `${c.property}: ${c.held ? 'held' : c.detail}`)).toEqual(checks.map((c) => `${c.property}: held`));
    for (const c of checks) expect(readme).toMatch(new RegExp(`\\| ${c.property} \\| yes \\|`));
  });

  it('the files the README links to exist', () => {
    const links = [...readme.matchAll(/\]\(((?!https?:)[^)#]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(fs.existsSync(path.join(docs, link)) ? link : `missing: ${link}`).toBe(link);
  });

  describeReferenceRecomputation(() => ({ readme, records, predictionsOf }));
});
