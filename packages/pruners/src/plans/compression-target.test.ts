import { useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { Rng, UsageError, applyKeptChannels, buildChannelGraph, countCost, createComponent, setupPlugins, type Pruner } from '@prunebench/core';
import { buildCifarResNet, buildVggSmall } from '@prunebench/models';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import plugin from '../index';
import { branchyNet, pruneContext, randomizeBatchNorms } from '../testing/fixtures';
import { prunedCost } from './compression-target';
import { GlobalPlan } from './global';
import { UniformPlan } from './uniform';

beforeAll(() => useBackend(wasmBackend));

/** Random kept counts for every prunable group (1 … channels), from a seed. */
function randomCounts(model: LayersModel, seed: number): Map<number, number> {
  const rng = new Rng(seed);
  const graph = buildChannelGraph(model);
  return new Map(graph.groups.filter((g) => g.prunable).map((g) => [g.id, 1 + Math.floor(rng.next() * g.channels)]));
}

/** The first `keep` channels of each group: enough to build the pruned model and count it. */
const firstChannels = (counts: Map<number, number>) => new Map([...counts].map(([g, k]) => [g, Array.from({ length: k }, (_, i) => i)]));

describe('prunedCost: the cost of kept counts without building the model', () => {
  it.each([
    ['vgg-small', () => buildVggSmall({ inputShape: [16, 16, 3], numClasses: 10, seed: 1 })],
    ['resnet20', () => buildCifarResNet(20, { inputShape: [8, 8, 3], numClasses: 10, seed: 1 })],
    ['branchy (concat, residual, dense)', () => branchyNet()],
  ])('%s: equals countCost of the pruned model, for random counts', (_name, build) => {
    const model = build();
    const graph = buildChannelGraph(model);
    for (const seed of [1, 2, 3]) {
      const counts = randomCounts(model, seed);
      const pruned = applyKeptChannels(model, graph, firstChannels(counts));
      const counted = countCost(pruned);
      expect(prunedCost(model, graph, counts)).toEqual({ macs: counted.macs, params: counted.params });
      pruned.dispose();
    }
    expect(prunedCost(model, graph, new Map())).toEqual({ macs: countCost(model).macs, params: countCost(model).params });
    model.dispose();
  });
});

describe('compression targets (global and uniform)', () => {
  const removed = (before: number, after: number) => 1 - after / before;

  it('global: l1, fpgm, bn-scale and random all land within 0.5% of { macs: 0.5 }, each with its own architecture', async () => {
    const { registry, container } = await setupPlugins({ builtins: [{ plugin, source: { packageName: plugin.name } }] });
    const model = buildVggSmall({ inputShape: [16, 16, 3], numClasses: 10, seed: 3 });
    randomizeBatchNorms(model);
    const before = countCost(model).macs;
    const widths: string[] = [];
    for (const criterion of ['l1', 'fpgm', 'bn-scale', 'random']) {
      const pruner = createComponent<Pruner>(container, registry, 'pruner', criterion, { plan: { use: 'global', target: { macs: 0.5 } } });
      const result = await pruner.prune(model, pruneContext({ seed: 4 }));
      expect(Math.abs(removed(before, countCost(result.model).macs) - 0.5)).toBeLessThanOrEqual(0.005);
      widths.push(result.groups!.map((g) => g.kept).join(','));
      result.model.dispose();
    }
    // The criterion decides each layer's count: not one architecture for all four.
    expect(new Set(widths).size).toBeGreaterThan(1);
    model.dispose();
  });

  it('uniform: { speedup: 2 } halves the MACs, { params: 0.4 } removes 40% of the params, within the tolerance asked', () => {
    const model = buildVggSmall({ inputShape: [16, 16, 3], numClasses: 10, seed: 1 });
    const graph = buildChannelGraph(model);
    const base = prunedCost(model, graph, new Map());
    // One ratio for every layer of a narrow net moves in coarse steps: 0.5% is out of reach, and said so.
    expect(() => new UniformPlan({ target: { speedup: 2 }, layers: 'conv', minChannels: 1 }).allocate({ graph, model })).toThrow(/nearest it reaches is 51\.10%/);
    const speedup = prunedCost(model, graph, new UniformPlan({ target: { speedup: 2, tolerance: 0.02 }, layers: 'conv', minChannels: 1 }).allocate({ graph, model }));
    expect(Math.abs(removed(base.macs, speedup.macs) - 0.5)).toBeLessThanOrEqual(0.02);
    const params = prunedCost(model, graph, new UniformPlan({ target: { params: 0.4, tolerance: 0.01 }, layers: 'conv', minChannels: 1 }).allocate({ graph, model }));
    expect(Math.abs(removed(base.params, params.params) - 0.4)).toBeLessThanOrEqual(0.01);
    model.dispose();
  });

  it('refuses a target it cannot reach, with the nearest figure, and a target without the model', () => {
    const model = buildVggSmall({ inputShape: [16, 16, 3], numClasses: 10, seed: 1 });
    const graph = buildChannelGraph(model);
    const scores = new Map(graph.groups.filter((g) => g.prunable).map((g) => [g.id, Float32Array.from({ length: g.channels }, (_, i) => i + 1)]));
    // At least half of each layer kept: at most about 3/4 of the MACs can go.
    const plan = new GlobalPlan({ target: { macs: 0.95 }, minChannels: 1, minRatio: 0.5, layers: 'conv', normalize: 'none' });
    expect(() => plan.allocate({ graph, scores, model })).toThrow(/cannot remove 95\.00% of the MACs within 0\.50%: the nearest it reaches is \d+\.\d+%/);
    expect(() => plan.allocate({ graph, scores })).toThrow(UsageError);
    expect(() => plan.allocate({ graph, scores })).toThrow(/needs the model/);
    model.dispose();
  });

  it('the options take a ratio or a target, not both or neither', async () => {
    const { registry, container } = await setupPlugins({ builtins: [{ plugin, source: { packageName: plugin.name } }] });
    const make = (plan: unknown) => () => createComponent(container, registry, 'pruner', 'l1', { plan });
    expect(make({ use: 'global', target: { speedup: 2 } })).not.toThrow();
    expect(make({ use: 'uniform', target: { macs: 0.3, tolerance: 0.01 } })).not.toThrow();
    expect(make({ use: 'global', ratio: 0.5, target: { macs: 0.5 } })).toThrow(UsageError);
    expect(make({ use: 'uniform' })).toThrow(UsageError);
    expect(make({ use: 'uniform', target: { macs: 0.5, params: 0.5 } })).toThrow(UsageError);
    expect(make({ use: 'uniform', target: { speedup: 0.5 } })).toThrow(UsageError);
  });
});
