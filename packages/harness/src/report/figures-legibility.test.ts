// Figure 2 as a reader sees it (issue 29): the CI bars inside the axis, the seed dots on top,
// every encoding in a legend, the schedules of one budget side by side.
import type { Analysis, Cell } from './analysis';
import { accuracyVsBudgetSpec, learningRateSpec, renderSpec, styleScales } from './figures';
import { summarizeSample } from '../study/statistics';

function cell(pruner: string, schedule: string, budget: number, values: number[]): Cell {
  return { pruner, schedule, budget, top1: summarizeSample(values), bySeed: new Map(values.map((v, i) => [String(i), v])), diverged: 0, failed: 0, macsAfter: 1e6, paramsAfter: 1, best: false };
}

// Two seeds, as the quick study: a 95% t interval is ±12.7 std, far wider than the runs' spread.
const analysis = {
  reference: 'ft',
  budgets: [1, 2],
  pruners: ['l1/uniform', 'random/uniform'],
  schedules: ['ft', 'lrw', 'slr', 'clr'],
  seeds: [0, 1],
  original: { top1: summarizeSample([0.88, 0.89]), params: 100, macs: 4e6 },
  cells: ['l1/uniform', 'random/uniform'].flatMap((p, i) => ['ft', 'lrw', 'slr', 'clr'].flatMap((s, j) => [1, 2].map((b) => cell(p, s, b, [0.8 + 0.01 * j + 0.01 * b - 0.01 * i, 0.81 + 0.01 * j + 0.01 * b - 0.01 * i])))),
  gains: [], lifts: [], withoutRandom: [], pruned: [], costs: [], noise: null, scheduleNotes: [], distinctFlops: 1, failures: [],
  baselines: [],
} as unknown as Analysis;

type Layer = { mark: { type: string }; transform: Array<{ filter: string }>; encoding: { y: { scale: { domain: number[] } } } };
const spec = accuracyVsBudgetSpec(analysis, styleScales(analysis)) as unknown as { data: { values: Array<Record<string, number | string>> }; spec: { layer: Layer[] } };

describe('Figure 2 (accuracy vs budget)', () => {
  it('keeps every CI bar within the y axis', () => {
    const domain = spec.spec.layer[0].encoding.y.scale.domain;
    const cells = spec.data.values.filter((v) => v.kind === 'cell');
    expect(cells.length).toBe(16);
    for (const c of cells) {
      expect(c.lo as number).toBeGreaterThanOrEqual(domain[0]);
      expect(c.hi as number).toBeLessThanOrEqual(domain[1]);
    }
  });

  it('draws the seed dots last (nothing covers them) and puts the schedules of one budget side by side', () => {
    const kinds = spec.spec.layer.map((l) => l.transform[0].filter);
    expect(kinds[kinds.length - 1]).toContain("'seed'");
    const at = (schedule: string) => spec.data.values.find((v) => v.kind === 'cell' && v.schedule === schedule && v.budget === 1 && v.pruner === 'l1/uniform')!.at;
    expect(new Set(['ft', 'lrw', 'slr', 'clr'].map(at)).size).toBe(4);
  });

  it('explains every encoding in a legend: the schedule (colour) and the pruner (marker)', async () => {
    const svg = await renderSpec(spec as never);
    expect(svg).toMatch(/>schedule</);
    expect(svg).toMatch(/>pruner</);
  });
});

describe('figure titles', () => {
  it('say "1 epoch", not "1 epochs"', () => {
    const spec = learningRateSpec([{ schedule: 'ft', points: [{ epoch: 0, lr: 0.01, momentum: 0.9 }] }], 1, styleScales(analysis)) as { title: string };
    expect(spec.title).toBe('Retraining learning rate and momentum (1 epoch)');
  });
});
