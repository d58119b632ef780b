import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLiteSvg } from './render';

export interface ScatterPoint {
  x: number;
  y: number;
  /** Written beside the point (e.g. a pruning ratio). */
  label?: string;
}

export interface ScatterSeries {
  name: string;
  points: ScatterPoint[];
}

export interface ScatterChartOptions {
  title?: string;
  xTitle: string;
  yTitle: string;
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
}

/** A scatter chart of named point series (e.g. accuracy vs FLOPs per method), as SVG. */
export async function scatterChartSvg(series: ScatterSeries[], options: ScatterChartOptions): Promise<string> {
  if (!series.length) throw new RangeError('scatterChartSvg: give at least one series');
  const values = series.flatMap((s) =>
    s.points.map((p) => {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
        throw new RangeError(`scatterChartSvg: series "${s.name}" has a non-finite point (${p.x}, ${p.y})`);
      }
      return { x: p.x, y: p.y, series: s.name, label: p.label ?? '' };
    }),
  );
  const names = series.map((s) => s.name);
  const x = { field: 'x', type: 'quantitative', title: options.xTitle, scale: options.logX ? { type: 'log' as const } : { zero: false } } as const;
  const y = { field: 'y', type: 'quantitative', title: options.yTitle, scale: options.logY ? { type: 'log' as const } : { zero: false } } as const;
  // One colour legend (a shape encoding beside it made vega-lite draw a second legend), with
  // long names not cut; the text layer stays uncoloured for the same reason.
  const color = { field: 'series', type: 'nominal', sort: names, title: null, legend: { labelLimit: 400 } } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 480,
    height: options.height ?? 360,
    background: 'white',
    data: { values },
    layer: [
      { mark: { type: 'point', filled: true, size: 60 }, encoding: { x, y, color } },
      { mark: { type: 'text', dx: 6, align: 'left', fontSize: 10 }, encoding: { x, y, text: { field: 'label' } } },
    ],
  };
  return renderVegaLiteSvg(spec);
}
