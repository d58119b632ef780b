import type { TrainingBenchmarkReport } from './train-step-benchmark';

/** `digits` decimals, two for small values (the cpu backend's images/s are below 1). */
const fixed = (value: number | null | undefined, digits: number) =>
  value === null || value === undefined ? '-' : value.toFixed(Math.abs(value) < 10 ? Math.max(digits, 2) : digits);

/** The report as text: one table per model, the forward-conv reference, the ratios. */
export function formatTrainingBenchmark(report: TrainingBenchmarkReport): string {
  const lines: string[] = [];
  const s = report.settings;
  lines.push(
    `Training-step throughput, batch ${s.batchSize}; ${s.warmupSteps} warm-up + ${s.measuredSteps} measured steps ` +
      `(cpu: batch ${s.cpuBatchSize}, ${s.cpuWarmupSteps} + ${s.cpuMeasuredSteps}).`,
    `Machine: ${report.machine.cpus} x ${report.machine.cpuModel}, node ${report.machine.node}, load average at start ${report.machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}.`,
    `GFLOP/s convention: ${s.flopConvention}.`,
    '',
  );
  for (const [model, row] of Object.entries(report.models)) {
    lines.push(`${model}`);
    const header = ['backend', 'images/s', 'step ms', 'train GFLOP/s', 'fwd conv GFLOP/s', 'train/fwd conv', 'note'];
    const rows = Object.entries(row).map(([backend, f]) => [
      backend,
      fixed(f.imagesPerSecond, 1),
      fixed(f.stepMs, 0),
      fixed(f.gflops, 2),
      fixed(f.forwardConvGflops ?? report.forwardConvGflops[backend], 1),
      report.ratios[model]?.trainingOverForwardConv[backend] !== undefined ? `${(report.ratios[model].trainingOverForwardConv[backend] * 100).toFixed(0)}%` : '-',
      f.status === 'ok' ? '' : `${f.status}: ${f.reason ?? ''}`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    lines.push(line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line));
    const speedups = Object.entries(report.ratios[model]?.speedups ?? {});
    if (speedups.length) lines.push(`speed-ups: ${speedups.map(([k, v]) => `${k} = ${v.toFixed(1)}x`).join(', ')}`);
    lines.push('');
  }
  const devices = Object.entries(report.devices ?? {});
  if (devices.length) lines.push('Devices:', ...devices.map(([backend, device]) => `  ${backend}: ${device}`), '');
  lines.push(`Forward conv reference: ${s.forwardConv}, measured before and after each model's steps (the mean).`);
  return `${lines.join('\n')}\n`;
}
