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
const bySeed = (pruner: string, schedule: string, budget: number) =>
  new Map(records.filter((r) => r.kind === 'retrain' && r.pruner === pruners[pruner] && r.schedule === schedule && r.budget === budget).map((r) => [String(r.seed), 100 * r.metrics!.test!.top1]));
const fmt = (mean: number, std: number, signed = false) => `${signed && mean >= 0 ? '+' : mean < 0 ? '−' : ''}${Math.abs(mean).toFixed(2)} ± ${std.toFixed(2)}`;
const cellsOf = (row: string) => row.split('|').slice(1, -1).map((c) => c.trim().replace(/\*\*/g, ''));
const rowsStarting = (prefix: RegExp) => readme.split('\n').filter((l) => prefix.test(l)).map(cellsOf);
const schedules = ['ft', 'lrw', 'slr', 'clr'];

describe('docs/results/README.md recomputes from its results.jsonl', () => {
  it('the results table: mean ± sample std over the three seeds', () => {
    const rows = rowsStarting(/^\| (l1|random) \| \d \| \d/);
    expect(rows).toHaveLength(4);
    for (const [pruner, budget, ...cells] of rows) {
      schedules.forEach((s, i) => {
        const stat = summarizeSample([...bySeed(pruner, s, Number(budget)).values()]);
        expect(stat.n).toBe(3);
        expect(cells[i]).toBe(fmt(stat.mean, stat.std));
      });
    }
    const original = summarizeSample(records.filter((r) => r.kind === 'original').map((r) => 100 * r.metrics!.test!.top1));
    expect(readme).toContain(`test top-1 **${fmt(original.mean, original.std)} %**`);
  });

  it('the gains over FT, paired by seed', () => {
    const rows = rowsStarting(/^\| (l1|random) \| \d \| [+−]/);
    expect(rows).toHaveLength(4);
    for (const [pruner, budget, ...cells] of rows) {
      ['lrw', 'slr', 'clr'].forEach((s, i) => {
        const d = pairedDifference(bySeed(pruner, s, Number(budget)), bySeed(pruner, 'ft', Number(budget)));
        expect(cells[i]).toBe(fmt(d.mean, d.std, true));
      });
    }
  });

  it('random + CLR against l1 + FT, and l1 against random per schedule, pooled', () => {
    for (const budget of [3, 5]) {
      const d = pairedDifference(bySeed('random', 'clr', budget), bySeed('l1', 'ft', budget));
      expect(readme).toContain(fmt(d.mean, d.std, true));
    }
    const rows = rowsStarting(/^\| \d \| [+−]/);
    expect(rows).toHaveLength(2);
    const pooled: number[] = [];
    for (const [budget, ...cells] of rows) {
      schedules.forEach((s, i) => {
        const d = pairedDifference(bySeed('l1', s, Number(budget)), bySeed('random', s, Number(budget)));
        pooled.push(...d.values);
        expect(cells[i]).toBe(fmt(d.mean, d.std, true));
      });
    }
    const all = summarizeSample(pooled);
    expect(readme).toContain(`Pooled over schedules and budgets: ${fmt(all.mean, all.std, true)} points, and l1 was ahead in ${pooled.filter((v) => v > 0).length} of the ${pooled.length}`);
  });
});
