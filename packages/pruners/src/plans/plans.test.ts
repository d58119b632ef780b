import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { buildChannelGraph, createComponent, setupPlugins, UnknownComponentError, UsageError, type Pruner } from '@prunebench/core';
import plugin from '../index';
import { branchyNet, pruneContext, tinyConvNet } from '../testing/fixtures';
import { buildCifarVgg, VGG_WIDTHS } from '@prunebench/models';
import type { Plan } from '@prunebench/core';
import { GlobalPlan } from './global';
import { PfecBPlan } from './pfec';
import { PerLayerPlan } from './per-layer';
import { UniformPlan } from './uniform';

// On the backend users get: wasm with prunebench's kernels.
beforeAll(() => useBackend(wasmBackend));

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

describe('roundTo (kept counts rounded up to a multiple, as Torch-Pruning\'s round_to)', () => {
  it('uniform, per-layer and global round each kept count up, never above the layer\'s width', () => {
    const model = tinyConvNet(); // conv1: 4 channels, conv2: 6
    const graph = buildChannelGraph(model);
    const [g1, g2] = [graph.convs[0].outputGroup, graph.convs[1].outputGroup];
    // ratio 0.5: 2 and 3 kept; rounded to 4: 4 (conv1's whole width) and 4.
    expect(new UniformPlan({ ratio: 0.5, layers: 'conv', minChannels: 1, roundTo: 4 }).allocate({ graph })).toEqual(new Map([[g1, 4], [g2, 4]]));
    expect(new UniformPlan({ ratio: 0.5, layers: 'conv', minChannels: 1 }).allocate({ graph })).toEqual(new Map([[g1, 2], [g2, 3]]));
    // keep 5 of 6 rounded to 4 would be 8: capped at 6.
    expect(new PerLayerPlan({ keep: { conv2: 5, conv1: 1 }, roundTo: 4 }).allocate({ graph })).toEqual(new Map([[g2, 6], [g1, 4]]));
    expect(new PerLayerPlan({ keep: { conv2: 3 }, roundTo: 2 }).allocate({ graph })).toEqual(new Map([[g2, 4]]));
    const scores = new Map([
      [g1, Float32Array.from([0.1, 0.2, 5, 6])],
      [g2, Float32Array.from([1, 2, 3, 4, 0.05, 7])],
    ]);
    const global = new GlobalPlan({ ratio: 0.5, minChannels: 1, minRatio: 0, layers: 'conv', normalize: 'none', roundTo: 2 });
    expect(global.allocate({ graph, scores })).toEqual(new Map([[g1, 2], [g2, 4]]));
    expect(() => new UniformPlan({ ratio: 0.5, layers: 'conv', minChannels: 1, roundTo: 0 }).allocate({ graph })).toThrow(UsageError);
    model.dispose();
  });

  it('pfec-b on VGG-16 with roundTo 8: the paper\'s 196-wide layers become 200, the rest stay', () => {
    const vgg = buildCifarVgg('vgg16', { inputShape: [32, 32, 3], numClasses: 10, seed: 1 }, VGG_WIDTHS.vgg16);
    const graph = buildChannelGraph(vgg);
    const widths = (plan: Plan) => {
      const counts = plan.allocate({ graph });
      return graph.convs.map((c) => counts.get(c.outputGroup) ?? graph.groups[c.outputGroup].channels);
    };
    expect(widths(new PfecBPlan({}))).toEqual([32, 64, 128, 128, 196, 196, 196, 196, 196, 256, 256, 256, 256]);
    expect(widths(new PfecBPlan({ roundTo: 8 }))).toEqual([32, 64, 128, 128, 200, 200, 200, 200, 200, 256, 256, 256, 256]);
    vgg.dispose();
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
