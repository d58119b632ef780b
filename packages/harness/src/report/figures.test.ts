import type { Analysis, Cell } from './analysis';
import { accuracyVsBudgetSpec, learningRateSpec, paretoSpec, renderSpec, styleScales } from './figures';
import { summarizeSample } from '../study/statistics';

function cell(pruner: string, schedule: string, budget: number, values: number[], macsAfter: number): Cell {
  return { pruner, schedule, budget, top1: summarizeSample(values), bySeed: new Map(values.map((v, i) => [String(i), v])), diverged: 0, failed: 0, macsAfter, paramsAfter: 1, best: false };
}

const analysis = {
  reference: 'ft',
  budgets: [1, 3],
  pruners: ['l1 0.5', 'l1 0.25', 'random 0.5'],
  schedules: ['ft', 'clr'],
  seeds: [0, 1],
  original: { top1: summarizeSample([0.9, 0.91]), params: 100, macs: 4e6 },
  cells: [
    cell('l1 0.5', 'ft', 1, [0.8, 0.82], 1e6), cell('l1 0.5', 'clr', 3, [0.86, 0.87], 1e6),
    cell('l1 0.25', 'ft', 3, [0.85, 0.86], 2e6), cell('l1 0.25', 'clr', 3, [0.89, 0.9], 2e6),
    cell('random 0.5', 'clr', 3, [0.84, 0.85], 1e6),
  ],
  gains: [], lifts: [], withoutRandom: [], pruned: [], costs: [], noise: null, scheduleNotes: [], distinctFlops: 2, failures: [],
  baselines: [{ kind: 'scratch', pruner: 'l1 0.5', name: 'scratch-e', top1: summarizeSample([0.8, 0.81]), bySeed: new Map([['0', 0.8], ['1', 0.81]]), runs: [] }],
} as unknown as Analysis;

/** Every `color` / `shape` encoding of a spec, wherever it is nested. */
function encodings(spec: unknown, channel: 'color' | 'shape'): Array<{ scale: { domain: string[]; range?: string[] } }> {
  const out: Array<{ scale: { domain: string[]; range?: string[] } }> = [];
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const enc = (node as { encoding?: Record<string, unknown> }).encoding;
    if (enc?.[channel]) out.push(enc[channel] as { scale: { domain: string[]; range?: string[] } });
    for (const value of Object.values(node)) visit(value);
  };
  visit(spec);
  return out;
}

describe('report figures', () => {
  const style = styleScales(analysis);
  const specs = [
    accuracyVsBudgetSpec(analysis, style),
    paretoSpec(analysis, style),
    learningRateSpec([{ schedule: 'ft', points: [{ epoch: 0, lr: 0.001, momentum: 0.9 }, { epoch: 1, lr: 0.001, momentum: 0.9 }] }, { schedule: 'clr', points: [{ epoch: 0, lr: 0.001, momentum: 0.95 }, { epoch: 1, lr: 0.1, momentum: 0.85 }] }], 3, style),
  ];

  it('give a schedule one colour and a pruner one marker in every figure', () => {
    const colours = specs.flatMap((s) => encodings(s, 'color'));
    expect(colours.length).toBeGreaterThan(5);
    for (const c of colours) {
      expect(c.scale.domain).toEqual(['ft', 'clr', 'scratch-e']);
      expect(c.scale.range).toEqual(colours[0].scale.range);
    }
    const shapes = specs.flatMap((s) => encodings(s, 'shape'));
    expect(shapes.length).toBeGreaterThan(2);
    for (const s of shapes) expect(s.scale).toEqual(shapes[0].scale);
  });

  it('draw the Pareto frontier through the points no cheaper point beats', () => {
    const values = (specs[1] as { data: { values: Array<{ kind: string; mmacs: number; top1: number }> } }).data.values;
    const frontier = values.filter((v) => v.kind === 'frontier').map((v) => [v.mmacs, Number(v.top1.toFixed(2))]);
    expect(frontier).toEqual([[1, 86.5], [2, 89.5]]);
  });

  it('render to SVG with per-seed dots, the CI and the scratch level', async () => {
    const svg = await renderSpec(specs[0]);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['l1 0.5', 'random 0.5', 'retraining budget (epochs)', 'scratch-e']) expect(svg).toContain(text);
    const data = (specs[0] as { data: { values: Array<{ kind: string }> } }).data.values;
    expect(data.filter((v) => v.kind === 'seed')).toHaveLength(10);
    expect(data.filter((v) => v.kind === 'baseline')).toHaveLength(1);
  });
});
