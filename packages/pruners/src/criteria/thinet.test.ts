import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { buildChannelGraph, type Rng } from '@prunebench/core';
import { NoiseDataset, makePruner, pruneContext, randomizeBatchNorms, recordingLedger, tinyConvNet } from '../testing/fixtures';
import { greedyRemovalOrder, sampleContributions, type LinearConsumer } from './thinet';
import type { StructuredPruner } from '../structured/structured-pruner';

beforeAll(() => useBackend(wasmBackend));

/** A stand-in generator that returns the given uniforms in order. */
function fixedDraws(...values: number[]): Rng {
  return { next: () => values.shift()! } as unknown as Rng;
}

describe('thinet', () => {
  it('removes greedily by the summed reconstruction error, not by each channel alone (hand-computed)', () => {
    // One sample: channel contributions 1, −1, 0.6. Alone, 0.6² is the least error: remove 2.
    // Then (0.6 + 1)² = 2.56 against (0.6 − 1)² = 0.16: channel 1 cancels channel 2, so it goes next.
    const samples = [Float64Array.from([1, -1, 0.6]), Float64Array.from([0, 0, 0])];
    expect(greedyRemovalOrder(samples, 3)).toEqual([2, 1, 0]);
    // Two samples: errors 1, 0.05, 0.5 → 1; then (1.1² + 0.2²) = 1.25 against (−0.4)² + 0.7² = 0.65 → 2.
    expect(greedyRemovalOrder([Float64Array.from([1, 0.1, -0.5]), Float64Array.from([0, 0.2, 0.5])], 3)).toEqual([1, 2, 0]);
  });

  it("splits a sampled conv output into per-channel contributions that equal tf.conv2d on that channel alone", () => {
    for (const [padding, stride] of [['same', 2], ['valid', 1], ['same', 1]] as const) {
      const input = tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 4);
      const kernel = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 5);
      const outH = padding === 'same' ? Math.ceil(5 / stride) : 3;
      const consumer: LinearConsumer = {
        member: { layer: 'c', className: 'Conv2D', role: 'consumer', offset: 1, channels: 3, spatial: 1 },
        inputLayer: 'x',
        kernel: kernel.dataSync() as Float32Array,
        kernelShape: kernel.shape,
        conv: { strides: [stride, stride], padding },
      };
      const [unit, oy, ox] = [2, outH - 1, 0];
      const draws = fixedDraws((unit + 0.5) / 4, (oy * outH + ox + 0.5) / (outH * outH));
      const got = sampleContributions(consumer, 2, input.dataSync() as Float32Array, input.shape, 1, draws);
      for (let k = 0; k < 2; k++) {
        const only = tf.tidy(() => tf.mul(input, tf.tensor4d([0, 1, 2].map((c) => (c === 1 + k ? 1 : 0)), [1, 1, 1, 3])) as tf.Tensor4D);
        const full = tf.conv2d(only, kernel as tf.Tensor4D, stride, padding);
        expect(got[k]).toBeCloseTo(full.arraySync()[1][oy][ox][unit], 4);
        tf.dispose([only, full]);
      }
      tf.dispose([input, kernel]);
    }
  });

  it('scores a dense consumer after a flatten over every folded position', () => {
    // 2 positions × 3 channels, the group at offset 1 (channels 1, 2); unit 1 of 2.
    const kernel = Float32Array.from({ length: 6 * 2 }, (_, i) => i + 1);
    const input = Float32Array.from([0.5, 1, 2, -1, 3, 0.25]);
    const consumer: LinearConsumer = { member: { layer: 'fc', className: 'Dense', role: 'consumer', offset: 1, channels: 3, spatial: 2 }, inputLayer: 'flatten', kernel, kernelShape: [6, 2] };
    const got = sampleContributions(consumer, 2, input, [1, 6], 0, fixedDraws(0.75));
    // channel 0 of the group: inputs 1 (w = kernel[1·2+1] = 4) and 4 (w = kernel[4·2+1] = 10); channel 1: inputs 2 (6) and 5 (12).
    expect(Array.from(got)).toEqual([1 * 4 + 3 * 10, 2 * 6 + 0.25 * 12]);
  });

  it('prunes first the channel the next layer never reads, and charges its calibration passes', async () => {
    const model = tinyConvNet(5);
    randomizeBatchNorms(model);
    const conv2 = model.getLayer('conv2');
    const [kernel, bias] = conv2.getWeights();
    const deaf = tf.tidy(() => tf.mul(kernel, tf.tensor4d([1, 1, 0, 1], [1, 1, 4, 1])));
    conv2.setWeights([deaf, bias]);
    const ledger = recordingLedger();
    const criterion = (makePruner('thinet', { batches: 2, batchSize: 4, plan: { use: 'uniform', ratio: 0.25 } }) as StructuredPruner).criterion;
    const graph = buildChannelGraph(model);
    const groups = graph.groups.filter((g) => g.prunable);
    const context = pruneContext({ dataset: new NoiseDataset(), ledger });
    const scoring = { model, graph, seed: 0, ledger, helpers: context.helpers };
    await criterion.prepare!(groups, scoring);
    const first = groups.find((g) => g.producers.includes('conv1'))!;
    const scores = await criterion.score(first, scoring);
    expect(Array.from(scores).sort()).toEqual([0.25, 0.5, 0.75, 1]);
    expect(scores[2]).toBe(0.25);
    expect(ledger.entries.extraForwardSamples).toBe(8);
    expect(ledger.entries.extraBackwardSamples).toBe(0);
    const result = await makePruner('thinet', { batches: 2, batchSize: 4, plan: { use: 'uniform', ratio: 0.25 } }).prune(model, pruneContext({ dataset: new NoiseDataset() }));
    expect((result.keptChannels as ReadonlyMap<number, readonly number[]>).get(first.id)).toEqual([0, 1, 3]);
    deaf.dispose();
    result.model.dispose();
    model.dispose();
  });

  it('refuses a group that no layer reads', async () => {
    const input = tfl.input({ shape: [4] });
    const output = tfl.layers.dense({ units: 3, name: 'only' }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    const graph = buildChannelGraph(model);
    const criterion = (makePruner('thinet', { plan: { use: 'uniform', ratio: 0.5 } }) as StructuredPruner).criterion;
    const context = pruneContext({ dataset: new NoiseDataset() });
    await expect(criterion.prepare!(graph.groups, { model, graph, seed: 0, ledger: context.ledger, helpers: context.helpers })).rejects.toThrow(/needs a layer after group|reads Conv2D/);
    model.dispose();
  });
});
