import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { container } from 'tsyringe';
import { Registry, RunLedger, UsageError, buildChannelGraph, createComponent, createPruneContext, type Batch, type BatchOptions, type Dataset, type Plan, type Pruner } from '@prunebench/core';
import { conformanceConvNet, describeCriterionConformance, useCpuBackend } from '@prunebench/core/testing';
// The structured pruner and the plans come from the built-in pruners plugin, as in a study.
import prunersPlugin from '@prunebench/pruners';
import plugin, { HRankCriterion } from './index';
import { featureMapTaps } from './feature-maps';

// The kit: what every criterion must do, alone and composed with a plan as a config names it.
describeCriterionConformance({
  componentClass: HRankCriterion,
  options: { batches: 2, batchSize: 8 },
  invalidOptions: [{ batches: 0 }, { tolerance: 0 }],
  plugins: [prunersPlugin],
});

beforeAll(useCpuBackend);

/**
 * Inputs whose feature-map ranks are known: channel 0 is a rank-1 map (an outer product of
 * positive vectors), channel 1 a full-rank one (positive random). Through a 1×1 conv with
 * non-negative weights and a ReLU (the identity here), filter [1, 0] gives rank 1, [0, 1] and
 * [1, 1] rank 6, [0, 0] rank 0.
 */
class KnownRankData implements Dataset {
  constructor(private readonly size = 12) {}
  async load() {
    return { inputShape: [6, 6, 2], numClasses: 2, sizes: { train: this.size, validation: 0, test: 0 } };
  }
  async *batches(_split: string, options: BatchOptions): AsyncGenerator<Batch> {
    for (let start = 0; start < this.size; start += options.batchSize) {
      const n = Math.min(options.batchSize, this.size - start);
      yield tf.tidy(() => {
        const u = tf.randomUniform([n, 6, 1, 1], 0.5, 1.5, 'float32', start + 1);
        const v = tf.randomUniform([n, 1, 6, 1], 0.5, 1.5, 'float32', start + 2);
        const rankOne = tf.mul(u, v);
        const full = tf.randomUniform([n, 6, 6, 1], 0.1, 1, 'float32', start + 3);
        return { x: tf.concat([rankOne, full], 3), y: tf.cast(tf.oneHot(tf.fill([n], 0, 'int32'), 2), 'float32') };
      });
    }
  }
}

function knownRankModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 2] });
  const conv = tfl.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 1, useBias: false });
  let x = conv.apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.reLU({ name: 'relu' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2 }).apply(x) as tfl.SymbolicTensor });
  // Kernel [1, 1, 2 inputs, 4 filters]: filters [1,0], [0,1], [0,0], [1,1].
  const kernel = tf.tensor4d([1, 0, 0, 1, 0, 1, 0, 1], [1, 1, 2, 4]);
  conv.setWeights([kernel]);
  kernel.dispose();
  return model;
}

function registry(): Registry {
  const r = new Registry();
  r.add(prunersPlugin, { packageName: '@prunebench/pruners' });
  r.add(plugin, { packageName: 'prunebench-plugin-hrank' });
  return r;
}

/** Made as a study makes it from `{ "use": "hrank", ...options }`: the structured pruner around the criterion. */
function hrank(options: Record<string, unknown>): Pruner {
  return createComponent<Pruner>(container.createChildContainer(), registry(), 'pruner', 'hrank', options);
}

const context = (options: { dataset?: Dataset; plan?: Plan; ledger?: RunLedger } = {}) => createPruneContext({ ...options, seed: 0, ledger: options.ledger ?? new RunLedger() });

describe('HRank', () => {
  it('keeps the filters whose feature maps have the highest rank', async () => {
    const model = knownRankModel();
    const ledger = new RunLedger();
    const result = await hrank({ plan: { use: 'uniform', ratio: 0.5 }, batches: 2, batchSize: 4 }).prune(model, context({ dataset: new KnownRankData(), ledger }));
    const group = buildChannelGraph(model).groups.find((g) => g.producers.includes('conv'))!;
    // Ranks 1, 6, 0, 6: the two full-rank filters stay.
    expect((result.keptChannels as Map<number, number[]>).get(group.id)).toEqual([1, 3]);
    expect(result.model.getLayer('conv').getWeights()[0].shape).toEqual([1, 1, 2, 2]);
    // Two batches of 4 were read for the ranks: charged as extra forward passes, nothing else.
    expect(ledger.entries.extraForwardSamples).toBe(8);
    expect(ledger.entries.extraBackwardSamples).toBe(0);
    model.dispose();
    result.model.dispose();
  });

  it('ranks with a plan that needs scores for every group (global) too', async () => {
    const model = knownRankModel();
    const result = await hrank({ plan: { use: 'global', ratio: 0.25, minRatio: 0.25 }, batches: 1, batchSize: 12 }).prune(model, context({ dataset: new KnownRankData() }));
    const group = buildChannelGraph(model).groups.find((g) => g.producers.includes('conv'))!;
    // Dropping one of four: the rank-0 filter goes first.
    expect((result.keptChannels as Map<number, number[]>).get(group.id)).toEqual([0, 1, 3]);
    model.dispose();
    result.model.dispose();
  });

  it('reads a residual group after its Add (and ReLU), a plain one after its BatchNorm and ReLU', () => {
    const model = conformanceConvNet();
    const graph = buildChannelGraph(model);
    const residual = graph.groups.find((g) => g.residual)!;
    const plain = graph.groups.find((g) => g.producers.join() === 'conv3')!;
    expect(featureMapTaps(model, residual)).toEqual([{ layer: 'relu2', offset: 0 }]);
    expect(featureMapTaps(model, plain)).toEqual([{ layer: 'relu3', offset: 0 }]);
    model.dispose();
  });

  it('takes a plan from the context, and explains a missing plan or missing data', async () => {
    const model = knownRankModel();
    const plan = createComponent<Plan>(container, registry(), 'plan', 'uniform', { ratio: 0.5 });
    const pruner = hrank({ batches: 1, batchSize: 4 });
    await expect(pruner.prune(model, context({ dataset: new KnownRankData() }))).rejects.toThrow(UsageError);
    await expect(pruner.prune(model, context({ plan }))).rejects.toThrow(/needs calibration data/);
    const result = await pruner.prune(model, context({ dataset: new KnownRankData(), plan }));
    expect(result.groups!.find((g) => g.layers.includes('conv'))).toMatchObject({ kept: 2, total: 4 });
    model.dispose();
    result.model.dispose();
  });

  it('is a plugin object for this plugin API', () => {
    expect(plugin).toMatchObject({ name: 'prunebench-plugin-hrank', criteria: [HRankCriterion] });
    expect(() => registry()).not.toThrow();
  });
});
