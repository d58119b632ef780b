import { plural } from '../util/plural';
import type { TopLevelSpec } from 'vega-lite';
import { downsample, renderVegaLiteSvg, scheduleColours } from '../plot';
import type { Analysis } from './analysis';

/**
 * The report's figures as Vega-Lite specs, rendered to SVG in Node. Every figure uses the same
 * colour for a schedule and the same marker for a pruner (`styleScales`).
 */
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'triangle-left', 'stroke', 'wedge'];

export interface StyleScales {
  schedules: string[];
  pruners: string[];
}

/** The colour of every schedule (and baseline) and the marker of every pruner, fixed per study. */
export function styleScales(analysis: Analysis): StyleScales {
  const schedules = [...analysis.schedules, ...new Set(analysis.baselines.map((b) => b.name))];
  return { schedules, pruners: analysis.pruners };
}

const colour = (style: StyleScales, title: string | null = 'schedule') =>
  ({ field: 'schedule', type: 'nominal', scale: { domain: style.schedules, range: scheduleColours(style.schedules) }, title, legend: { labelLimit: 400 } }) as const;
const shape = (style: StyleScales, legend: boolean) =>
  ({ field: 'pruner', type: 'nominal', scale: { domain: style.pruners, range: SHAPES.slice(0, Math.max(1, style.pruners.length)) }, title: 'pruner', legend: legend ? { labelLimit: 400 } : null }) as const;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/**
 * The study's Figure 2: test accuracy vs retraining budget, one panel per pruner, one line per
 * schedule with a marker at each budget, the 95% CI as a bar, and every seed's run
 * as a dot. The original's accuracy is a dashed rule.
 */
export function accuracyVsBudgetSpec(analysis: Analysis, style: StyleScales): TopLevelSpec {
  const values: Record<string, unknown>[] = [];
  for (const c of analysis.cells) {
    if (c.top1.n === 0) continue;
    const hasCi = Number.isFinite(c.top1.ci95);
    values.push({ kind: 'cell', pruner: c.pruner, schedule: c.schedule, budget: c.budget, mean: 100 * c.top1.mean, ...(hasCi ? { lo: 100 * (c.top1.mean - c.top1.ci95), hi: 100 * (c.top1.mean + c.top1.ci95) } : {}) });
    for (const v of c.top1.values) values.push({ kind: 'seed', pruner: c.pruner, schedule: c.schedule, budget: c.budget, top1: 100 * v });
  }
  if (Number.isFinite(analysis.original.top1.mean)) {
    for (const pruner of style.pruners) values.push({ kind: 'original', pruner, top1: 100 * analysis.original.top1.mean });
  }
  // Baselines (scratch) have no retraining budget: a dotted level per panel.
  for (const b of analysis.baselines) if (b.top1.n > 0) values.push({ kind: 'baseline', pruner: b.pruner, schedule: b.name, top1: 100 * b.top1.mean });
  // The y range covers every mean, seed and CI end, so no bar leaves the axis (within 0–100%).
  const shown = values.flatMap((v) => [v.mean, v.top1, v.lo, v.hi]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const pad = shown.length ? Math.max(0.5, 0.05 * (Math.max(...shown) - Math.min(...shown))) : 0;
  const domain = shown.length ? [Math.max(0, Math.min(...shown) - pad), Math.min(100, Math.max(...shown) + pad)] : undefined;
  // The schedules of a budget side by side (dodged), so their bars and seed dots do not hide each other.
  const gaps = analysis.budgets.slice(1).map((b, i) => b - analysis.budgets[i]);
  const step = (gaps.length ? Math.min(...gaps) : 1) * 0.5 / Math.max(1, style.schedules.length);
  for (const v of values) {
    if (typeof v.budget === 'number') v.at = v.budget + step * (style.schedules.indexOf(v.schedule as string) - (style.schedules.length - 1) / 2);
  }
  const x = { field: 'at', type: 'quantitative', title: 'retraining budget (epochs)', scale: { zero: false, nice: false, padding: 24 }, axis: { values: analysis.budgets, format: 'd' } } as const;
  const y = (field: string) => ({ field, type: 'quantitative', title: 'test top-1 (%)', scale: domain ? { domain, zero: false } : { zero: false } }) as const;
  const lineColour = { ...colour(style), legend: { labelLimit: 400, symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 } };
  return {
    $schema: SCHEMA,
    title: 'Test accuracy vs retraining budget (mean, 95% CI, each seed)',
    background: 'white',
    data: { values },
    facet: { column: { field: 'pruner', type: 'nominal', sort: style.pruners, title: null, header: { labelFontSize: 12, labelLimit: 300 } } },
    spec: {
      width: 260,
      height: 220,
      layer: [
        { transform: [{ filter: "datum.kind === 'cell' && isValid(datum.lo)" }], mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.6, clip: true }, encoding: { x, y: y('lo'), y2: { field: 'hi' }, color: lineColour } },
        { transform: [{ filter: "datum.kind === 'cell'" }], mark: { type: 'line', strokeWidth: 2, clip: true }, encoding: { x, y: y('mean'), color: lineColour } },
        { transform: [{ filter: "datum.kind === 'cell'" }], mark: { type: 'point', filled: true, size: 70, opacity: 1, clip: true }, encoding: { x, y: y('mean'), color: lineColour, shape: shape(style, true) } },
        { transform: [{ filter: "datum.kind === 'baseline'" }], mark: { type: 'rule', strokeDash: [1, 3], strokeWidth: 2, clip: true }, encoding: { y: y('top1'), color: lineColour } },
        { transform: [{ filter: "datum.kind === 'original'" }], mark: { type: 'rule', strokeDash: [4, 4], color: '#333', clip: true }, encoding: { y: y('top1') } },
        // Seeds last, outlined in white, so neither a bar nor a mean hides them.
        { transform: [{ filter: "datum.kind === 'seed'" }], mark: { type: 'point', filled: true, size: 28, opacity: 0.9, stroke: 'white', strokeWidth: 0.8, clip: true }, encoding: { x, y: y('top1'), color: lineColour, shape: shape(style, true) } },
      ],
    },
  } as TopLevelSpec;
}

/**
 * Accuracy vs FLOPs after pruning, one point per pruner × schedule at the largest budget, with
 * the Pareto frontier (no other point is both cheaper and more accurate) and the original.
 */
export function paretoSpec(analysis: Analysis, style: StyleScales): TopLevelSpec {
  const largest = analysis.budgets[analysis.budgets.length - 1];
  const points = analysis.cells
    .filter((c) => c.budget === largest && c.top1.n > 0 && Number.isFinite(c.macsAfter))
    .map((c) => ({ kind: 'cell', pruner: c.pruner, schedule: c.schedule, mmacs: c.macsAfter / 1e6, top1: 100 * c.top1.mean }));
  const frontier = [...points].sort((a, b) => a.mmacs - b.mmacs || b.top1 - a.top1).filter((p, i, all) => all.slice(0, i).every((q) => q.top1 < p.top1));
  const values: Record<string, unknown>[] = [...points, ...frontier.map((p) => ({ ...p, kind: 'frontier' }))];
  if (Number.isFinite(analysis.original.macs) && Number.isFinite(analysis.original.top1.mean)) {
    values.push({ kind: 'original', mmacs: analysis.original.macs / 1e6, top1: 100 * analysis.original.top1.mean, label: 'original' });
  }
  const x = { field: 'mmacs', type: 'quantitative', title: 'MACs after pruning (millions of multiply-accumulates)', scale: { zero: false, nice: true } } as const;
  const y = { field: 'top1', type: 'quantitative', title: 'test top-1 (%)', scale: { zero: false } } as const;
  return {
    $schema: SCHEMA,
    title: `Accuracy vs FLOPs (${largest}-epoch retraining), with the Pareto frontier`,
    background: 'white',
    width: 520,
    height: 340,
    data: { values },
    layer: [
      { transform: [{ filter: "datum.kind === 'frontier'" }], mark: { type: 'line', color: '#999', strokeDash: [6, 3] }, encoding: { x, y, order: { field: 'mmacs', type: 'quantitative' } } },
      { transform: [{ filter: "datum.kind === 'cell'" }], mark: { type: 'point', filled: true, size: 80 }, encoding: { x, y, color: colour(style), shape: shape(style, true) } },
      { transform: [{ filter: "datum.kind === 'original'" }], mark: { type: 'point', shape: 'diamond', size: 120, color: '#000', filled: false }, encoding: { x, y } },
      { transform: [{ filter: "datum.kind === 'original'" }], mark: { type: 'text', dx: 8, align: 'left', fontSize: 11 }, encoding: { x, y, text: { field: 'label' } } },
    ],
  } as TopLevelSpec;
}

export interface LrCurve {
  schedule: string;
  points: Array<{ epoch: number; lr: number; momentum: number }>;
}

/** The LR (log scale) and momentum of every schedule at one budget, per optimizer step. */
export function learningRateSpec(curves: LrCurve[], budget: number, style: StyleScales): TopLevelSpec {
  const values = curves.flatMap((c) => {
    const lr = downsample(c.points.map((p) => p.epoch), c.points.map((p) => p.lr), 800);
    const momentum = downsample(c.points.map((p) => p.epoch), c.points.map((p) => p.momentum), 800);
    return [
      ...lr.x.map((epoch, i) => ({ schedule: c.schedule, epoch, value: lr.y[i], quantity: 'learning rate' })),
      ...momentum.x.map((epoch, i) => ({ schedule: c.schedule, epoch, value: momentum.y[i], quantity: 'momentum' })),
    ];
  });
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { nice: false } } as const;
  const panel = (quantity: string, log: boolean) => ({
    width: 520,
    height: 200,
    transform: [{ filter: `datum.quantity === '${quantity}'` }],
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, clip: true },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: quantity, scale: log ? { type: 'log' } : { zero: false }, axis: log ? { format: '~g' } : {} },
      color: colour(style),
      // Dashes too (FT and LRW coincide at short budgets), merged into the colour legend.
      strokeDash: { field: 'schedule', type: 'nominal', scale: { domain: style.schedules }, title: 'schedule', legend: { labelLimit: 400 } },
    },
  });
  return {
    $schema: SCHEMA,
    title: `Retraining learning rate and momentum (${plural(budget, 'epoch')})`,
    background: 'white',
    data: { values },
    vconcat: [panel('learning rate', values.every((v) => v.quantity !== 'learning rate' || v.value > 0)), panel('momentum', false)],
  } as TopLevelSpec;
}

export const renderSpec = renderVegaLiteSvg;
