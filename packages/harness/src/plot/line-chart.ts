import type { TopLevelSpec } from 'vega-lite';
import { downsample } from './downsample';
import { renderVegaLiteSvg } from './render';

/** One named line of a chart. `x` and `y` have the same length. */
export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface LineChartOptions {
  title?: string;
  xTitle: string;
  yTitle: string;
  /** Logarithmic y axis (every y must be > 0). */
  logY?: boolean;
  /** Plot size in pixels (the plotting area; axes and legend add to it). Default 640 × 360. */
  width?: number;
  height?: number;
  /** Each series is downsampled to at most this many points (default 2000). */
  maxPointsPerSeries?: number;
  /** How points are joined: straight lines (default) or steps held until the next point. */
  interpolate?: 'linear' | 'step-after';
  /** A colour per series, in order (default: Vega's category colours by position). */
  colours?: string[];
}

/**
 * A line chart of several named series, with axis titles, a legend (in the order given)
 * and an optional log y axis, as an SVG string. Used for the LR-schedule figure and the
 * accuracy-vs-budget curves of reports.
 */
export async function lineChartSvg(series: LineSeries[], options: LineChartOptions): Promise<string> {
  if (!series.length) throw new RangeError('lineChartSvg: give at least one series');
  const values: Array<{ x: number; y: number; series: string; order: number }> = [];
  for (const s of series) {
    const { x, y } = downsample(s.x, s.y, options.maxPointsPerSeries ?? 2000);
    x.forEach((xi, i) => {
      if (!Number.isFinite(xi) || !Number.isFinite(y[i])) {
        throw new RangeError(`lineChartSvg: series "${s.name}" has a non-finite point (${xi}, ${y[i]})`);
      }
      if (options.logY && y[i] <= 0) {
        throw new RangeError(`lineChartSvg: series "${s.name}" has y = ${y[i]} at x = ${xi}, which a log axis cannot show`);
      }
      values.push({ x: xi, y: y[i], series: s.name, order: i });
    });
  }
  const names = series.map((s) => s.name);
  // The same legend and domain (order) for colour and dash, so Vega-Lite merges them into one legend.
  const legend = { orient: 'right', labelFontSize: 12, symbolStrokeWidth: 2, symbolSize: 400, labelLimit: 400 } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 640,
    height: options.height ?? 360,
    background: 'white',
    data: { values },
    mark: { type: 'line', interpolate: options.interpolate ?? 'linear', strokeWidth: 2, clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xTitle, scale: { nice: false, zero: false } },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle,
        scale: options.logY ? { type: 'log' } : { zero: false },
        axis: options.logY ? { format: '~g' } : {},
      },
      color: { field: 'series', type: 'nominal', scale: options.colours ? { domain: names, range: options.colours } : { domain: names }, title: null, legend },
      // Dash patterns too, so series that coincide (FT and LRW for short budgets) stay visible.
      strokeDash: { field: 'series', type: 'nominal', scale: { domain: names }, title: null, legend },
      order: { field: 'order', type: 'quantitative' },
    },
  };
  return renderVegaLiteSvg(spec);
}
