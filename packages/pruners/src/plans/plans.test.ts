import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { buildChannelGraph, createComponent, setupPlugins, UsageError, type Pruner } from '@prunebench/core';
import plugin from '../index';
import { branchyNet, pruneContext, tinyConvNet } from '../testing/fixtures';
import { GlobalPlan } from './global';
import { PerLayerPlan } from './per-layer';
import { UniformPlan } from './uniform';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('plans', () => {
  it('uniform keeps floor(C × (1 − ratio)) of every conv-produced prunable group', () => {
    const model = branchyNet();
    const graph = buildChannelGraph(model);
    const counts = new UniformPlan({ ratio: 0.3, layers: 'conv', minChannels: 1 }).allocate({ graph });
    for (const group of graph.groups) {
      if (group.prunable && group.convIndices.length) expect(counts.get(group.id)).toBe(Math.floor(group.channels * 0.7));
      else expect(counts.has(group.id)).toBe(false);
    }
    model.dispose();
  });

  it('per-layer takes conv indices or layer names, and refuses unknown or conflicting layers', () => {
    const model = tinyConvNet();
    const graph = buildChannelGraph(model);
    const counts = new PerLayerPlan({ ratios: { '1': 0.5 }, keep: { conv2: 5 } }).allocate({ graph });
    expect(counts.get(graph.convs[0].outputGroup)).toBe(2);
    expect(counts.get(graph.convs[1].outputGroup)).toBe(5);
    expect(() => new PerLayerPlan({ keep: { conv3: 1 } }).allocate({ graph })).toThrow(/no conv or dense layer named "conv3" — did you mean "conv1"|"conv2"/);
    expect(() => new PerLayerPlan({ keep: { '9': 1 } }).allocate({ graph })).toThrow(/no conv 9/);
    expect(() => new PerLayerPlan({ keep: { '1': 2, conv1: 3 } }).allocate({ graph })).toThrow(UsageError);
    model.dispose();
  });

  it('global removes the lowest-scored channels across layers, never below each layer\'s minimum', () => {
    const model = tinyConvNet();
    const graph = buildChannelGraph(model);
    const [g1, g2] = [graph.convs[0].outputGroup, graph.convs[1].outputGroup];
    const scores = new Map([
      [g1, Float32Array.from([0.1, 0.2, 5, 6])],
      [g2, Float32Array.from([1, 2, 3, 4, 0.05, 7])],
    ]);
    // 10 channels, ratio 0.5 → remove 5: the lowest are 0.05, 0.1, 0.2, 1, 2.
    const plan = new GlobalPlan({ ratio: 0.5, minChannels: 1, minRatio: 0, layers: 'conv', normalize: 'none' });
    expect(plan.needsScores).toBe(true);
    expect(plan.allocate({ graph, scores })).toEqual(new Map([[g1, 2], [g2, 3]]));
    // With a floor of half of each layer, conv1 stops at 2 and the rest comes from conv2.
    const floored = new GlobalPlan({ ratio: 0.6, minChannels: 1, minRatio: 0.5, layers: 'conv', normalize: 'none' });
    expect(floored.allocate({ graph, scores })).toEqual(new Map([[g1, 2], [g2, 3]]));
    expect(() => plan.allocate({ graph })).toThrow(/scores/);
    model.dispose();
  });
});

describe('pruners made from config entries', () => {
  it('l1 with { plan: "pfec-a" } or an inline plan entry, through the registry', async () => {
    const { registry, container } = await setupPlugins({ builtins: [{ plugin, source: { packageName: plugin.name } }] });
    const pruner = createComponent<Pruner>(container, registry, 'pruner', 'random', { plan: { use: 'uniform', ratio: 0.5 } });
    expect(pruner.requirements.structured).toBe(true);
    const model = tinyConvNet();
    const result = await pruner.prune(model, pruneContext({ seed: 1 }));
    expect(result.groups?.map((g) => [g.kept, g.total])).toEqual([[2, 4], [3, 6]]);
    result.model.dispose();
    // Unknown plans and bad plan options fail when the pruner is made, not mid-run.
    expect(() => createComponent(container, registry, 'pruner', 'l1', { plan: 'pfec-z' })).toThrow(/plan: unknown plan "pfec-z"/);
    expect(() => createComponent(container, registry, 'pruner', 'l1', { plan: { use: 'uniform', ratio: 2 } })).toThrow(UsageError);
    expect(() => createComponent(container, registry, 'pruner', 'l1', { plan: 'pfec-a', ratio: 0.5 })).toThrow(/unknown key "ratio"/);
    // A fitting-model check happens at prune time.
    const pfec = createComponent<Pruner>(container, registry, 'pruner', 'l1', { plan: 'pfec-a' });
    await expect(pfec.prune(model, pruneContext())).rejects.toThrow(/pfec-a" is defined for/);
    model.dispose();
  });
});
