import { studentTCdf, studentTQuantile } from '../study/statistics';
import type { RunRecord } from '../study/record';
import type { RunPredictions } from '../study/predictions';

/*
 * The recomputation behind the generated docs/results README's tests: every row of its three
 * tables (seed-paired differences, t interval, paired t and sign-flip tests, Holm across the
 * table, McNemar per seed, the verdict), each question's answer and pooled counts, and the
 * accuracy table, recomputed from the records and predictions alone — this file's own
 * arithmetic, not reference-readme.ts's. Used on a fixture (reference-readme.test.ts) and on the
 * committed study (docs-results.test.ts).
 */

export interface RecomputeInput {
  readme: string;
  records: RunRecord[];
  /** A retraining run's stored test predictions (McNemar per seed). */
  predictionsOf: (runId: string) => RunPredictions | undefined;
}

/** Mean ± sample std (n) of a sample, as the README's accuracy tables print it. */
function meanStd(values: number[]): string {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const s = Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
  return `${m.toFixed(2)} ± ${s.toFixed(2)} (n ${values.length})`;
}

/** The recomputation over one README and its records. */
export function referenceRecomputation({ readme, records, predictionsOf }: RecomputeInput) {
  const seeds = [...new Set(records.filter((r) => r.kind === 'retrain').map((r) => r.seed))].sort((a, b) => a - b);
  const budgets = [...new Set(records.filter((r) => r.kind === 'retrain').map((r) => r.budget!))].sort((a, b) => a - b);
  const cellsOf = (row: string) => row.split('|').slice(1, -1).map((c) => c.trim());
  const section = (n: number) => {
    const start = readme.indexOf(`## (${n})`);
    const end = readme.indexOf('\n## ', start + 1);
    return readme.slice(start, end < 0 ? undefined : end);
  };
  const rowsOf = (n: number) => section(n).split('\n').filter((l) => /^\| \d+ \| /.test(l)).map(cellsOf);
  const fmtP = (p: number) => (!Number.isFinite(p) ? '–' : p < 0.0001 ? '< 0.0001' : p.toFixed(4));
  const parseSide = (text: string) => {
    const [pruner, schedule] = text.split(' + ');
    return { pruner, schedule: schedule.toLowerCase() };
  };
  const runOf = (pruner: string, schedule: string, budget: number, seed: number) =>
    records.find((r) => r.kind === 'retrain' && r.pruner === pruner && r.schedule === schedule && r.budget === budget && r.seed === seed)!;

  /** Each row of a table recomputed from the records alone. */
  function recompute(n: number) {
    const rows = rowsOf(n).map(([budget, compared]) => {
      const [a, b] = compared.split(' − ').map(parseSide);
      const B = Number(budget);
    
      const pairs = seeds.map((s) => [runOf(a.pruner, a.schedule, B, s), runOf(b.pruner, b.schedule, B, s)] as const);
      const diffs = pairs.map(([x, y]) => 100 * (x.metrics!.test!.top1 - y.metrics!.test!.top1));
      const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
      const sd = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (diffs.length - 1));
      const half = studentTQuantile(0.975, diffs.length - 1) * (sd / Math.sqrt(diffs.length));
      const t = mean / (sd / Math.sqrt(diffs.length));
      const p = 2 * (1 - studentTCdf(Math.abs(t), diffs.length - 1));
      let extreme = 0;
      for (let mask = 0; mask < 2 ** seeds.length; mask++) {
        const sum = diffs.reduce((s, d, i) => s + (mask & (1 << i) ? -d : d), 0);
        if (Math.abs(sum) >= Math.abs(mean * diffs.length) - 1e-9) extreme++;
      }
      const key = `${B}|${pairs.map(([x, y]) => `${x.pruner}:${x.scheduleDigest}/${y.pruner}:${y.scheduleDigest}`).join(',')}`;
      const same = pairs.every(([x, y]) => x.pruner === y.pruner && x.scheduleDigest === y.scheduleDigest);
      const mcnemarSignificant = pairs.filter(([x, y]) => {
        const [px, py] = [predictionsOf(x.id)!.get('test')!, predictionsOf(y.id)!.get('test')!];
        let onlyX = 0;
        let onlyY = 0;
        for (let i = 0; i < px.label.length; i++) {
          const [cx, cy] = [px.predicted[i] === px.label[i], py.predicted[i] === py.label[i]];
          if (cx && !cy) onlyX++;
          if (cy && !cx) onlyY++;
        }
        // Exact two-sided binomial tail at ½, by summing the probabilities directly.
        const m = onlyX + onlyY;
        let tail = 0;
        for (let k = 0; k <= Math.min(onlyX, onlyY); k++) {
          let c = 1;
          for (let j = 0; j < k; j++) c = (c * (m - j)) / (j + 1);
          tail += c / 2 ** m;
        }
        return Math.min(1, 2 * tail) < 0.05;
      }).length;
      return { cells: { budget, compared }, mean, half, p, permutation: extreme / 2 ** seeds.length, positive: diffs.filter((d) => d > 0).length, key, same, mcnemarSignificant, diffs, pairs };
    });
    // The first row of a run pair is tested; later rows of the same pairs and a run against itself are not.
    const firstOf = new Map<string, number>();
    rows.forEach((r, i) => !r.same && !firstOf.has(r.key) && firstOf.set(r.key, i));
    const tested = rows.map((r, i) => firstOf.get(r.key) === i && !r.same);
    // Holm across the table's tested rows.
    const order = rows.map((r, i) => ({ p: r.p, i })).filter((x) => tested[x.i]).sort((x, y) => x.p - y.p);
    const holmP = rows.map(() => NaN);
    let running = 0;
    order.forEach(({ p, i }, rank) => (holmP[i] = running = Math.max(running, Math.min(1, (order.length - rank) * p))));
    return rows.map((r, i) => ({ ...r, tested: tested[i], holm: holmP[i], verdict: !tested[i] ? null : holmP[i] < 0.05 ? (r.mean > 0 ? 'held' : 'not held') : 'not distinguishable from zero at this n' }));
  }
  return { seeds, budgets, section, rowsOf, recompute, fmtP };
}

/** The tests every generated README must pass against its own records. `input` is read when the tests run. */
export function describeReferenceRecomputation(input: () => RecomputeInput): void {
  let computed: ReturnType<typeof referenceRecomputation> | undefined;
  const r = () => (computed ??= referenceRecomputation(input()));
  const rowsOf = (n: number) => r().rowsOf(n);
  const recompute = (n: number) => r().recompute(n);
  const section = (n: number) => r().section(n);
  /**
   * A figure printed to 2 decimals against this file's own value: equal to rounding. Not a string
   * comparison: a mean such as 1.225 is a tie that float arithmetic done in another order (points
   * of each run, then the difference; or the difference of fractions, then points) rounds either way.
   */
  const expectRounded = (cell: string, value: number) => {
    expect(cell).toMatch(/^[+−]\d+\.\d{2}$/);
    const printed = Number(cell.replace('−', '-'));
    expect(Math.abs(printed - value)).toBeLessThanOrEqual(0.005 + 1e-9);
  };
  const fmtP = (p: number) => r().fmtP(p);
    it.each([1, 2, 3])('question (%i): every row, its tests, Holm across the table and its verdict', (n) => {
      const rows = rowsOf(n);
      const expected = recompute(n);
      expect(rows.length).toBe((n === 1 ? 6 : n === 2 ? 3 : 4) * r().budgets.length);
      rows.forEach((cells, i) => {
        const e = expected[i];
        const [, , mean, ci, seedsAhead, pT, pPerm, pHolm, mcnemar, verdict] = cells;
        expectRounded(mean, e.mean);
        const [low, high] = ci.slice(1, -1).split(', ');
        expectRounded(low, e.mean - e.half);
        expectRounded(high, e.mean + e.half);
        expect(seedsAhead).toBe(`${e.positive} of ${r().seeds.length}`);
        if (e.tested) {
          expect([pT, pPerm, pHolm]).toEqual([fmtP(e.p), fmtP(e.permutation), fmtP(e.holm)]);
          expect(mcnemar).toBe(`${e.mcnemarSignificant} of ${r().seeds.length}`);
          expect(verdict).toBe(e.verdict);
        } else {
          expect([pT, pPerm, pHolm, mcnemar]).toEqual(['–', '–', '–', '–']);
          expect(verdict).toMatch(e.same ? /^same runs$/ : /^the same runs as /);
        }
      });
    });

    it.each([1, 2, 3])('question (%i): its answer and pooled counts over distinct runs', (n) => {
      const expected = recompute(n);
      const tested = expected.filter((e) => e.tested);
      const count = (v: string) => tested.filter((e) => e.verdict === v).length;
      const [held, notHeld, undecided] = [count('held'), count('not held'), count('not distinguishable from zero at this n')];
      expect(section(n)).toContain(`of ${tested.length} tested comparisons, ${held} held, ${notHeld} not held (reversed), ${undecided} not distinguishable from zero at this n`);
      const answer = held && !notHeld ? (undecided ? 'held in part' : 'held') : notHeld && !held ? (undecided ? 'not held in part' : 'not held') : held && notHeld ? 'mixed' : 'not distinguishable from zero at this n';
      expect(section(n)).toContain(`**Answer at this n: ${answer}**`);
      // Distinct seed-level run pairs: each (run a, run b) once, a run against itself never.
      const distinct = new Map<string, number>();
      for (const e of expected) e.pairs.forEach(([x, y], s) => `${x.pruner}:${x.scheduleDigest}` !== `${y.pruner}:${y.scheduleDigest}` && distinct.set(`${e.cells.budget}|${s}|${x.pruner}:${x.scheduleDigest}|${y.pruner}:${y.scheduleDigest}`, e.diffs[s]));
      const d = [...distinct.values()];
      expect(section(n)).toContain(`a ahead of b in ${d.filter((x) => x > 0).length} of ${d.length} seed-level pairs, behind in ${d.filter((x) => x < 0).length}, tied in ${d.filter((x) => x === 0).length}.`);
    });

    it('the accuracy table: mean ± sample std over seeds of the original, pruned-not-retrained and Scratch-E', () => {
      const of = (pred: (r: RunRecord) => boolean) => meanStd(input().records.filter(pred).map((r) => 100 * r.metrics!.test!.top1));
      expect(input().readme).toContain(`| original | ${of((r) => r.kind === 'original')} |`);
      for (const p of ['l1/uniform', 'random/uniform']) {
        expect(input().readme).toContain(`| ${p} pruned, not retrained | ${of((r) => r.kind === 'prune' && r.pruner === p)} |`);
        expect(input().readme).toContain(`| ${p} Scratch-E | ${of((r) => r.kind === 'scratch' && r.pruner === p)} |`);
      }
    });

  it('the retrained table: mean ± sample std over seeds of every pruner × budget × schedule cell', () => {
    const { readme, records } = input();
    const rows = readme.split('\n').filter((l) => /^\| [^|]+ \| \d+ \| \d/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
    const header = readme.split('\n').find((l) => l.startsWith('| retrained: pruner |'))!;
    const schedules = header.split('|').slice(3, -1).map((c) => c.trim().toLowerCase());
    const pruners = [...new Set(records.filter((x) => x.kind === 'retrain').map((x) => x.pruner!))];
    expect(rows).toHaveLength(pruners.length * r().budgets.length);
    for (const [pruner, budget, ...cells] of rows) {
      schedules.forEach((schedule, i) => {
        const values = records.filter((x) => x.kind === 'retrain' && x.pruner === pruner && x.schedule === schedule && x.budget === Number(budget)).map((x) => 100 * x.metrics!.test!.top1);
        expect(cells[i]).toBe(meanStd(values));
      });
    }
  });

  it('the pruning lines: each pruner\'s plan and the sizes its pruned networks kept, from its prune records', () => {
    const { readme, records } = input();
    const lines = readme.split('\n').filter((l) => l.startsWith('Pruning: '));
    const prunes = records.filter((x) => x.kind === 'prune' && x.status === 'finished');
    const pruners = [...new Set(prunes.map((x) => x.pruner!))];
    expect(lines).toHaveLength(pruners.length);
    const change = (before: number, after: number) => `${after < before ? '−' : '+'}${((100 * Math.abs(before - after)) / before).toFixed(1)} %`;
    for (const pruner of pruners) {
      const line = lines.find((l) => l.startsWith(`Pruning: ${pruner}`))!;
      expect(line).toBeDefined();
      for (const x of prunes.filter((y) => y.pruner === pruner)) {
        const { before, after } = x.cost!;
        expect(line).toContain(`${before.params.toLocaleString('en')} → ${after.params.toLocaleString('en')} params (${change(before.params, after.params)})`);
        expect(line).toContain(`${before.macs.toLocaleString('en')} → ${after.macs.toLocaleString('en')} MACs (${change(before.macs, after.macs)})`);
        const plan = (x.definition.pruner as { options?: { plan?: unknown } } | undefined)?.options?.plan;
        if (plan !== undefined) expect(line).toContain(JSON.stringify(plan));
      }
    }
  });

  it('the time it ran, from the records\' start and end times', () => {
    const { readme, records } = input();
    const starts = records.map((x) => Date.parse(x.startedAt!));
    const ends = records.map((x) => Date.parse(x.finishedAt!));
    const minutes = Math.round((Math.max(...ends) - Math.min(...starts)) / 60000);
    expect(readme).toContain(`(${Math.floor(minutes / 60)} h ${minutes % 60} min from the first run's start to the last run's end)`);
  });
}
