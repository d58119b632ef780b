import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildChannelGraph } from './build-graph';
import type { ChannelGraph, PruningGroup } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const conv = (name: string, filters: number, kernelSize = 3) =>
  tfl.layers.conv2d({ name, filters, kernelSize, padding: 'same', useBias: false });

/** The group whose producers are exactly these layers. */
function groupOf(graph: ChannelGraph, ...producers: string[]): PruningGroup {
  const group = graph.groups.find(
    (g) => g.producers.length === producers.length && producers.every((p) => g.producers.includes(p)),
  );
  if (!group) throw new Error(`no group produced by ${producers.join(', ')}`);
  return group;
}

function roles(group: PruningGroup): string[] {
  return group.members.map((m) => `${m.layer}:${m.role}`);
}

describe('buildChannelGraph', () => {
  it('chains conv → BN → conv → flatten → dense, with one channel = h×w dense inputs', () => {
    const input = tfl.input({ shape: [8, 8, 3], name: 'in' });
    let x = conv('c1', 4).apply(input) as tfl.SymbolicTensor;
    x = tfl.layers.batchNormalization({ name: 'bn1' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.reLU({ name: 'relu1' }).apply(x) as tfl.SymbolicTensor;
    x = conv('c2', 5).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.maxPooling2d({ name: 'pool', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.flatten({ name: 'flat' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ name: 'fc1', units: 6 }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ name: 'fc2', units: 2 }).apply(x) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: x });
    const graph = buildChannelGraph(model);

    expect(graph.groups).toHaveLength(5);
    const [inputGroup, c1, c2, fc1, fc2] = graph.groups;
    expect(inputGroup).toMatchObject({ channels: 3, prunable: false, reasons: ['the network input'] });
    expect(roles(inputGroup)).toEqual(['c1:consumer']);

    expect(c1).toMatchObject({ channels: 4, producers: ['c1'], convIndices: [1], prunable: true, residual: false });
    expect(roles(c1)).toEqual(['c1:producer', 'bn1:batchnorm', 'c2:consumer']);

    expect(c2).toMatchObject({ channels: 5, convIndices: [2], prunable: true });
    expect(roles(c2)).toEqual(['c2:producer', 'fc1:consumer']);
    // 4×4 positions after the pool: channel k of c2 is dense input p * 5 + k.
    expect(c2.members[1]).toMatchObject({ offset: 0, channels: 5, spatial: 16 });

    expect(fc1).toMatchObject({ channels: 6, prunable: true, convIndices: [] });
    expect(fc2.prunable).toBe(false);
    expect(fc2.reasons[0]).toMatch(/reaches the model output/);

    expect(graph.convs.map((c) => [c.index, c.layer, c.outputGroup, c.inputGroups])).toEqual([
      [1, 'c1', 1, [0]],
      [2, 'c2', 2, [1]],
    ]);
    const flat = graph.layers.find((l) => l.layer === 'flat')!;
    expect(flat.output).toEqual({ channels: 5, spatial: 16, segments: [{ group: 2, offset: 0, size: 5 }] });
    model.dispose();
  });

  it('ties branches through a Concatenate with channel offsets', () => {
    const input = tfl.input({ shape: [6, 6, 3] });
    const a = conv('a', 4).apply(input) as tfl.SymbolicTensor;
    const b = conv('b', 3, 1).apply(input) as tfl.SymbolicTensor;
    const cat = tfl.layers.concatenate({ name: 'cat' }).apply([a, b]) as tfl.SymbolicTensor;
    const c = conv('c', 5).apply(cat) as tfl.SymbolicTensor;
    const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(c) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'fc', units: 2 }).apply(gap) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const graph = buildChannelGraph(model);

    const ga = groupOf(graph, 'a');
    const gb = groupOf(graph, 'b');
    expect(ga.prunable && gb.prunable).toBe(true);
    expect(ga.members.find((m) => m.layer === 'cat')).toMatchObject({ role: 'concat', offset: 0, channels: 7 });
    expect(gb.members.find((m) => m.layer === 'cat')).toMatchObject({ role: 'concat', offset: 4, channels: 7 });
    expect(ga.members.find((m) => m.layer === 'c')).toMatchObject({ role: 'consumer', offset: 0, channels: 7, spatial: 1 });
    expect(gb.members.find((m) => m.layer === 'c')).toMatchObject({ role: 'consumer', offset: 4, channels: 7, spatial: 1 });
    // Global pooling keeps channels: one channel is one dense input.
    const gc = groupOf(graph, 'c');
    expect(gc.members.find((m) => m.layer === 'fc')).toMatchObject({ role: 'consumer', spatial: 1, channels: 5 });
    expect(graph.convs.find((cv) => cv.layer === 'c')!.inputGroups).toEqual([ga.id, gb.id]);
    model.dispose();
  });

  it('makes one residual group of the convs feeding an Add (identity shortcut)', () => {
    const input = tfl.input({ shape: [6, 6, 3] });
    const stem = tfl.layers.reLU({ name: 'stem_relu' }).apply(conv('stem', 4).apply(input)) as tfl.SymbolicTensor;
    let y = conv('b1', 3).apply(stem) as tfl.SymbolicTensor;
    y = tfl.layers.batchNormalization({ name: 'b1_bn' }).apply(y) as tfl.SymbolicTensor;
    y = tfl.layers.reLU({ name: 'b1_relu' }).apply(y) as tfl.SymbolicTensor;
    y = conv('b2', 4).apply(y) as tfl.SymbolicTensor;
    y = tfl.layers.batchNormalization({ name: 'b2_bn' }).apply(y) as tfl.SymbolicTensor;
    const sum = tfl.layers.add({ name: 'add' }).apply([y, stem]) as tfl.SymbolicTensor;
    const next = conv('next', 2).apply(tfl.layers.reLU({ name: 'out_relu' }).apply(sum)) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'fc', units: 2 }).apply(tfl.layers.flatten().apply(next)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const graph = buildChannelGraph(model);

    const residual = groupOf(graph, 'stem', 'b2');
    expect(residual).toMatchObject({ channels: 4, residual: true, prunable: true, convIndices: [1, 3] });
    expect(roles(residual)).toEqual(
      expect.arrayContaining(['stem:producer', 'b1:consumer', 'b2:producer', 'b2_bn:batchnorm', 'add:merge', 'next:consumer']),
    );
    const inner = groupOf(graph, 'b1');
    expect(inner).toMatchObject({ residual: false, prunable: true, convIndices: [2] });
    const byLayer = Object.fromEntries(graph.convs.map((c) => [c.layer, c.residual]));
    expect(byLayer).toEqual({
      stem: undefined,
      b1: { block: 1, position: 'first' },
      b2: { block: 1, position: 'last' },
      next: undefined,
    });
    model.dispose();
  });

  it('marks a 1×1 projection as the shortcut of its block', () => {
    const input = tfl.input({ shape: [6, 6, 3] });
    const fork = tfl.layers.reLU({ name: 'fork' }).apply(input) as tfl.SymbolicTensor;
    const main1 = conv('m1', 4).apply(fork) as tfl.SymbolicTensor;
    const main2 = conv('m2', 6).apply(tfl.layers.reLU().apply(main1)) as tfl.SymbolicTensor;
    const proj = conv('proj', 6, 1).apply(fork) as tfl.SymbolicTensor;
    const sum = tfl.layers.add({ name: 'add' }).apply([main2, proj]) as tfl.SymbolicTensor;
    const pooled = tfl.layers.globalMaxPooling2d({}).apply(sum) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'fc', units: 2 }).apply(pooled) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const graph = buildChannelGraph(model);

    expect(groupOf(graph, 'm2', 'proj')).toMatchObject({ residual: true, prunable: true, channels: 6 });
    const positions = Object.fromEntries(graph.convs.map((c) => [c.layer, c.residual?.position]));
    expect(positions).toEqual({ m1: 'first', m2: 'last', proj: 'shortcut' });
    // The network input flows into the Add's fork: it stays whole.
    expect(graph.groups[0].prunable).toBe(false);
    model.dispose();
  });

  it('ties a depthwise conv to its input channels', () => {
    const input = tfl.input({ shape: [6, 6, 3] });
    const a = conv('a', 4).apply(input) as tfl.SymbolicTensor;
    const dw = tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same' }).apply(a) as tfl.SymbolicTensor;
    const bn = tfl.layers.batchNormalization({ name: 'dw_bn' }).apply(dw) as tfl.SymbolicTensor;
    const pw = conv('pw', 5, 1).apply(bn) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: pw });
    const graph = buildChannelGraph(model);
    const ga = groupOf(graph, 'a');
    expect(roles(ga)).toEqual(['a:producer', 'dw:depthwise', 'dw_bn:batchnorm', 'pw:consumer']);
    expect(ga.prunable).toBe(true);
    expect(graph.convs.map((c) => c.layer)).toEqual(['a', 'dw', 'pw']);
    expect(groupOf(graph, 'pw').prunable).toBe(false);
    model.dispose();
  });

  it('refuses groups that flow through an unknown or shared layer, naming it', () => {
    const input = tfl.input({ shape: [4, 4, 2] });
    const a = conv('a', 3).apply(input) as tfl.SymbolicTensor;
    const reshaped = tfl.layers.reshape({ name: 'reshape', targetShape: [4, 12] }).apply(a) as tfl.SymbolicTensor;
    const b = tfl.layers.dense({ name: 'b', units: 5 }).apply(reshaped) as tfl.SymbolicTensor;
    const shared = tfl.layers.dense({ name: 'shared', units: 5 });
    const c = shared.apply(b) as tfl.SymbolicTensor;
    const d = shared.apply(c) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'out', units: 2 }).apply(tfl.layers.flatten().apply(d)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const graph = buildChannelGraph(model);

    const ga = groupOf(graph, 'a');
    expect(ga.prunable).toBe(false);
    expect(ga.reasons.join()).toMatch(/flows into layer "reshape" \(Reshape\).*not traced/);
    const gb = groupOf(graph, 'b');
    expect(gb.prunable).toBe(false);
    expect(gb.reasons.join()).toMatch(/"shared".*shared \(called more than once\)/);
    model.dispose();
  });

});
