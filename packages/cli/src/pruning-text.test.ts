import type { LatencyComparison, LatencyFigure } from '@prunebench/harness';
import { describeLatency } from './pruning-text';

const figure = (batchSize: number, q1Ms: number, medianMs: number, q3Ms: number): LatencyFigure => ({ batchSize, q1Ms, medianMs, q3Ms, imagesPerSecond: (1000 * batchSize) / medianMs, runs: 9 });

describe('describeLatency', () => {
  it('gives median and interquartile range per batch, and a line for each batch where the pruned model is slower', () => {
    // Issue 29: a pruned MobileNetV2 was slower at batch 1 in every repeat, and nothing said so.
    const latency: LatencyComparison = {
      backend: 'wasm',
      warmupRuns: 3,
      original: [figure(1, 1.9, 2, 2.1), figure(64, 30, 32, 34)],
      pruned: [figure(1, 2.6, 3, 3.3), figure(64, 15, 16, 17)],
      speedup: [{ batchSize: 1, ratio: 2 / 3 }, { batchSize: 64, ratio: 2 }],
      slower: [{ batchSize: 1, ratio: 2 / 3, beyondSpread: true }],
    };
    const text = describeLatency(latency);
    expect(text).toMatch(/latency on wasm, ms: median \(interquartile range\) of 9 runs after 3 warm-up runs/);
    expect(text).toMatch(/\n1\s+2\.00 \(1\.90–2\.10\)\s+3\.00 \(2\.60–3\.30\)\s+0\.67×/);
    expect(text).toMatch(/\n64\s+32\.0 \(30\.0–34\.0\)\s+16\.0 \(15\.0–17\.0\)\s+2\.00×/);
    expect(text).toMatch(/note: the pruned model is slower than the original at batch 1 \(0\.67×, beyond the runs' spread/);
    expect(text).not.toMatch(/at batch 64/);
    expect(describeLatency({ ...latency, slower: [] })).not.toMatch(/slower/);
  });
});
