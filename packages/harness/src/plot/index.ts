// Charts as SVG strings, rendered in Node by Vega-Lite (no browser). Reports use these too.
export { lineChartSvg, type LineSeries, type LineChartOptions } from './line-chart';
export { scatterChartSvg, type ScatterSeries, type ScatterPoint, type ScatterChartOptions } from './scatter-chart';
export { downsample } from './downsample';
export { renderVegaLiteSvg } from './render';
export { scheduleColours, CATEGORY_COLOURS } from './palette';
