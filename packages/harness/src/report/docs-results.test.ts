import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from '../study/record';
import { pairedDifference, summarizeSample } from '../study/statistics';

/**
 * docs/results/README.md states numbers about the reference study: each must recompute from
 * the study's results.jsonl in the same folder (means and sample stds over seeds, paired
 * differences by seed), so the page cannot drift from its data.
 */
const folder = path.join(__dirname, '..', '..', '..', '..', 'docs', 'results');
const readme = fs.readFileSync(path.join(folder, 'README.md'), 'utf8');
const records = fs.readFileSync(path.join(folder, 'fashion-mnist-cpu', 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RunRecord);

const pruners: Record<string, string> = { l1: 'l1/uniform', random: 'random/uniform' };
const top1 = (r: RunRecord) => 100 * r.metrics!.test!.top1;
const bySeed = (pruner: string, schedule: string, budget: number) =>
  new Map(records.filter((r) => r.kind === 'retrain' && r.pruner === pruners[pruner] && r.schedule === schedule && r.budget === budget).map((r) => [String(r.seed), top1(r)]));
const scratch = (pruner: string, variant: string) => new Map(records.filter((r) => r.kind === 'scratch' && r.pruner === pruners[pruner] && r.schedule === variant).map((r) => [String(r.seed), top1(r)]));
const fmt = (mean: number, std: number, signed = false) => `${signed && mean >= 0 ? '+' : mean < 0 ? '−' : ''}${Math.abs(mean).toFixed(2)} ± ${std.toFixed(2)}`;
const stat = (values: Map<string, number>) => {
  const s = summarizeSample([...values.values()]);
  return fmt(s.mean, s.std);
};
const diff = (a: Map<string, number>, b: Map<string, number>) => pairedDifference(a, b);
const cellsOf = (row: string) => row.split('|').slice(1, -1).map((c) => c.trim().replace(/\*\*/g, ''));
const rowsStarting = (prefix: RegExp) => readme.split('\n').filter((l) => prefix.test(l)).map(cellsOf);
const schedules = ['ft', 'lrw', 'slr', 'clr'];
const budgets = [...new Set(records.filter((r) => r.kind === 'retrain').map((r) => r.budget!))].sort((a, b) => a - b);
const largest = budgets[budgets.length - 1];

describe('docs/results/README.md recomputes from its results.jsonl', () => {
  it('every run finished, on three seeds and at least four budgets', () => {
    expect(records.every((r) => r.status === 'finished')).toBe(true);
    expect(budgets.length).toBeGreaterThanOrEqual(4);
    expect(new Set(records.map((r) => r.seed))).toEqual(new Set([0, 1, 2]));
  });

  it('SLR has the same LR curve as LRW at 2 and 4 epochs, and FT, LRW and SLR are one curve at 1 epoch (equal digests)', () => {
    const digests = (schedule: string, budget: number) => new Set(records.filter((r) => r.kind === 'retrain' && r.schedule === schedule && r.budget === budget).map((r) => r.scheduleDigest));
    for (const budget of budgets) for (const s of schedules) expect(digests(s, budget).size).toBe(1);
    const one = (s: string, b: number) => [...digests(s, b)][0];
    expect(one('slr', 2)).toBe(one('lrw', 2));
    expect(one('slr', 4)).toBe(one('lrw', 4));
    expect(one('slr', 3)).not.toBe(one('lrw', 3));
    expect(new Set(['ft', 'lrw', 'slr'].map((s) => one(s, 1))).size).toBe(1);
    expect(readme).toContain('SLR equals LRW at 2 and 4 epochs: their runs have equal `scheduleDigest`s');
  });

  it('the results table: mean ± sample std over the three seeds', () => {
    const rows = rowsStarting(/^\| (l1|random) \| \d+ \| \d/);
    expect(rows).toHaveLength(2 * budgets.length);
    for (const [pruner, budget, ...cells] of rows) schedules.forEach((s, i) => expect(cells[i]).toBe(stat(bySeed(pruner, s, Number(budget)))));
    const original = summarizeSample(records.filter((r) => r.kind === 'original').map(top1));
    expect(readme).toContain(`test top-1 **${fmt(original.mean, original.std)} %**`);
  });

  it('the gains over FT, paired by seed', () => {
    const rows = rowsStarting(/^\| (l1|random) \| \d+ \| [+−]/);
    expect(rows).toHaveLength(2 * budgets.length);
    for (const [pruner, budget, ...cells] of rows) {
      ['lrw', 'slr', 'clr'].forEach((s, i) => {
        const d = diff(bySeed(pruner, s, Number(budget)), bySeed(pruner, 'ft', Number(budget)));
        expect(cells[i]).toBe(fmt(d.mean, d.std, true));
      });
    }
  });

  it('random + CLR against l1 + FT, and l1 against random per schedule, pooled', () => {
    for (const budget of budgets) {
      const d = diff(bySeed('random', 'clr', budget), bySeed('l1', 'ft', budget));
      expect(readme).toContain(`${budget} ep: ${fmt(d.mean, d.std, true)}`);
    }
    const rows = rowsStarting(/^\| \d+ \| [+−]/);
    expect(rows).toHaveLength(budgets.length);
    const pooled: number[] = [];
    for (const [budget, ...cells] of rows) {
      schedules.forEach((s, i) => {
        const d = diff(bySeed('l1', s, Number(budget)), bySeed('random', s, Number(budget)));
        pooled.push(...d.values);
        expect(cells[i]).toBe(fmt(d.mean, d.std, true));
        // "From 2 epochs on … every 95% interval contains 0".
        if (Number(budget) >= 2) expect(Math.abs(d.mean)).toBeLessThan(d.ci95);
      });
    }
    const all = summarizeSample(pooled);
    expect(readme).toContain(`pooled over schedules and budgets: ${fmt(all.mean, all.std, true)} points; l1 ahead in ${pooled.filter((v) => v > 0).length} of the ${pooled.length}`);
  });

  it('the scratch baselines against the best retrained cell of the largest budget, and the accuracy right after pruning', () => {
    const rows = rowsStarting(/^\| (l1|random) \| scratch-[eb] \|/);
    expect(rows).toHaveLength(4);
    for (const [pruner, variant, epochs, accuracy, vsBest] of rows) {
      const runs = records.filter((r) => r.kind === 'scratch' && r.pruner === pruners[pruner] && r.schedule === variant);
      expect(epochs).toBe([...new Set(runs.map((r) => r.scratch!.epochs))].join(', '));
      expect(accuracy).toBe(stat(scratch(pruner, variant)));
      const best = schedules.map((s) => [s, summarizeSample([...bySeed(pruner, s, largest).values()]).mean] as const).sort((a, b) => b[1] - a[1])[0][0];
      const d = diff(bySeed(pruner, best, largest), scratch(pruner, variant));
      expect(vsBest).toBe(`${best.toUpperCase()} @ ${largest}: ${fmt(d.mean, d.std, true)}`);
    }
    for (const pruner of ['l1', 'random']) {
      const s = summarizeSample(records.filter((r) => r.kind === 'prune' && r.pruner === pruners[pruner]).map(top1));
      expect(readme).toContain(`${pruner} ${fmt(s.mean, s.std)} %`);
    }
  });
});
