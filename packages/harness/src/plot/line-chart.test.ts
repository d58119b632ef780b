import { downsample } from './downsample';
import { lineChartSvg } from './line-chart';
import { scatterChartSvg } from './scatter-chart';

describe('downsample', () => {
  it('keeps short series whole', () => {
    expect(downsample([1, 2, 3], [4, 5, 6], 10)).toEqual({ x: [1, 2, 3], y: [4, 5, 6] });
  });

  it('caps long series and keeps both sides of each jump, the first and the last point', () => {
    const n = 100_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const y = x.map((i) => (i < 40_000 ? 0.1 : i < 77_777 ? 0.01 : 0.001));
    const out = downsample(x, y, 500);
    expect(out.x.length).toBeLessThanOrEqual(500);
    expect(out.x.length).toBeGreaterThan(400);
    expect(out.x).toEqual(expect.arrayContaining([0, 39_999, 40_000, 77_776, 77_777, n - 1]));
    expect([...out.x].sort((a, b) => a - b)).toEqual(out.x);
  });
});

describe('lineChartSvg', () => {
  it('renders several named series with titles and a log axis to SVG', async () => {
    const x = Array.from({ length: 5000 }, (_, i) => i / 100);
    const svg = await lineChartSvg(
      [
        { name: 'decaying', x, y: x.map((v) => 0.1 * Math.exp(-v / 10)) },
        { name: 'flat', x, y: x.map(() => 0.001) },
      ],
      { title: 'Test chart', xTitle: 'epoch', yTitle: 'learning rate', logY: true },
    );
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['decaying', 'flat', 'Test chart', 'epoch', 'learning rate']) expect(svg).toContain(text);
    expect(svg.split('>decaying<')).toHaveLength(2); // one legend (colour and dash merged), one label
    expect(svg.length).toBeLessThan(200_000); // downsampled: 5000 points per series would be far larger
  });

  it('refuses values a log axis cannot show', async () => {
    await expect(lineChartSvg([{ name: 'zero', x: [0, 1], y: [0, 1] }], { xTitle: 'x', yTitle: 'y', logY: true })).rejects.toThrow(
      /series "zero" has y = 0 at x = 0/,
    );
  });
});

describe('scatterChartSvg', () => {
  it('renders labelled point series', async () => {
    const svg = await scatterChartSvg(
      [
        { name: 'l1', points: [{ x: 10, y: 93.1, label: '50%' }] },
        { name: 'random', points: [{ x: 12, y: 92.5 }] },
      ],
      { xTitle: 'MFLOPs', yTitle: 'accuracy (%)' },
    );
    for (const text of ['l1', 'random', 'MFLOPs', '50%']) expect(svg).toContain(text);
  });
});
