import { buildChannelGraph, countCost } from '@prunebench/core';
import { buildCifarResNet } from './cifar-resnet';
import { buildImageNetResNet } from './imagenet-resnet';
import { buildCifarVgg, VGG_WIDTHS } from './vgg';
import * as tfl from '@tensorflow/tfjs-layers';
import { ChannelZeroPad } from './channel-zero-pad';
import { useWasmBackend } from './test-helpers';
import type { ChannelGraph, PruningGroup } from '@prunebench/core';

const conv = (name: string, filters: number, kernelSize = 3) => tfl.layers.conv2d({ name, filters, kernelSize, padding: 'same', useBias: false });
const groupOf = (graph: ChannelGraph, producer: string): PruningGroup => graph.groups.find((g) => g.producers.join() === producer)!;

beforeAll(useWasmBackend);

describe('the channel graph of the built-in models', () => {
  it('CIFAR ResNet-20: only block-first convs (even indices) are prunable; residual groups are not', () => {
    const model = buildCifarResNet(20, { inputShape: [8, 8, 3], numClasses: 10 });
    const graph = buildChannelGraph(model);
    expect(graph.convs).toHaveLength(19);
    const prunable = graph.groups.filter((g) => g.prunable);
    expect(prunable.map((g) => g.convIndices)).toEqual([[2], [4], [6], [8], [10], [12], [14], [16], [18]]);
    expect(prunable.map((g) => g.channels)).toEqual([16, 16, 16, 32, 32, 32, 64, 64, 64]);
    for (const conv of graph.convs.slice(1)) {
      expect(conv.residual?.position).toBe(conv.index % 2 === 0 ? 'first' : 'last');
      expect(conv.residual?.block).toBe(Math.floor(conv.index / 2));
    }
    // Each stage's residual group (stem + block-last convs) is tied to zero-padded channels.
    const residual = graph.groups.filter((g) => g.residual);
    expect(residual.map((g) => g.convIndices)).toEqual([
      [1, 3, 5, 7],
      [9, 11, 13],
      [15, 17, 19],
    ]);
    expect(residual.every((g) => !g.prunable && g.reasons.some((r) => /zero-padded/.test(r)))).toBe(true);
    model.dispose();
  });

  it('CIFAR VGG-16: every conv and the hidden classifier layer are prunable', () => {
    const model = buildCifarVgg('vgg16', { inputShape: [32, 32, 3], numClasses: 10 }, VGG_WIDTHS.vgg16.map((w) => (w === 'M' ? w : 2)), 4);
    const graph = buildChannelGraph(model);
    const prunable = graph.groups.filter((g) => g.prunable);
    expect(prunable.map((g) => g.producers[0])).toEqual([...Array.from({ length: 13 }, (_, i) => `conv${i + 1}`), 'fc1']);
    expect(prunable[12].members.map((m) => `${m.layer}:${m.role}:${m.spatial}`)).toEqual([
      'conv13:producer:1',
      'conv13_bn:batchnorm:1',
      'fc1:consumer:1',
    ]);
    model.dispose();
  });

  it('ImageNet ResNet-50: bottleneck roles, projection shortcuts, prunable residual groups', () => {
    const model = buildImageNetResNet('resnet50', { inputShape: [32, 32, 3], numClasses: 10 }, 4);
    const graph = buildChannelGraph(model);
    expect(graph.convs).toHaveLength(53);
    const positions = graph.convs.filter((c) => c.layer.startsWith('stage2_block1_')).map((c) => [c.layer, c.residual?.position]);
    expect(positions).toEqual([
      ['stage2_block1_conv1', 'first'],
      ['stage2_block1_conv2', 'middle'],
      ['stage2_block1_conv3', 'last'],
      ['stage2_block1_downsample', 'shortcut'],
    ]);
    // With 1×1 projections the residual groups can be pruned (all convs of a stage together).
    const stage2 = graph.groups.find((g) => g.producers.includes('stage2_block1_downsample'))!;
    expect(stage2).toMatchObject({ residual: true, prunable: true, channels: 32 });
    expect(stage2.producers).toHaveLength(5); // 4 block-last convs + the projection
    model.dispose();
  });

  it('ImageNet ResNet-18 has torchvision’s 11,689,512 params and 1.81e9 conv + fc MACs at 224×224', () => {
    const model = buildImageNetResNet('resnet18', { inputShape: [224, 224, 3], numClasses: 1000 });
    const cost = countCost(model);
    expect(cost.params).toBe(11_689_512);
    // 1.81e9 multiply-accumulates of convs and fc (tools that also count BN, ReLU and pooling say 1.82e9).
    expect(Number(cost.macs.toPrecision(3))).toBe(1.81e9);
    model.dispose();
  });

  it('ChannelZeroPad (its layer rule): refuses an Add of differently laid out inputs (a zero-padded shortcut)', () => {
    const input = tfl.input({ shape: [4, 4, 2] });
    const stem = conv('stem', 2).apply(input) as tfl.SymbolicTensor;
    const block = conv('b2', 4).apply(conv('b1', 4).apply(stem)) as tfl.SymbolicTensor;
    const padded = new ChannelZeroPad({ name: 'pad', after: 2 }).apply(stem) as tfl.SymbolicTensor;
    const sum = tfl.layers.add({ name: 'add' }).apply([block, padded]) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'fc', units: 2 }).apply(tfl.layers.globalAveragePooling2d({}).apply(sum)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const graph = buildChannelGraph(model);

    const b2 = groupOf(graph, 'b2');
    expect(b2.prunable).toBe(false);
    expect(b2.reasons.join()).toMatch(/merged by "add".*zero-padded/);
    expect(groupOf(graph, 'stem').prunable).toBe(false);
    expect(groupOf(graph, 'b1').prunable).toBe(true);
    const zeros = graph.groups.find((g) => g.reasons.some((r) => /zero channels added by "pad"/.test(r)));
    expect(zeros).toMatchObject({ channels: 2, prunable: false });
    const pad = graph.layers.find((l) => l.layer === 'pad')!;
    expect(pad.output.segments.map((s) => [s.offset, s.size])).toEqual([
      [0, 2],
      [2, 2],
    ]);
    model.dispose();
  });
});
