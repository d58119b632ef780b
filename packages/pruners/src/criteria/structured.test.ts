import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { cloneModel, topScoring, buildChannelGraph, type ChannelGraph, type KeptChannels, type Plan, type Pruner } from '@prunebench/core';
import { branchyNet, makePruner, pruneContext, randomizeBatchNorms, sgdStep, tinyConvNet } from '../testing/fixtures';
import { UniformPlan } from '../plans/uniform';
import { PerLayerPlan } from '../plans/per-layer';
import { fpgmFilterScores, l1FilterScores, l2FilterScores } from './kernel-norms';

// On the backend users get: wasm with prunebench's kernels.
beforeAll(() => useBackend(wasmBackend));

const uniform = (ratio: number): Plan => new UniformPlan({ ratio, layers: 'conv', minChannels: 1 });
const context = (plan: Plan, seed = 0) => pruneContext({ seed, plan });
const selectionOf = (s: KeptChannels | undefined) => new Map(s instanceof Map ? s : Object.entries(s ?? {}).map(([k, v]) => [Number(k), v]));

/**
 * The original model with the dropped channels of every pruned group forced to exactly 0 after
 * their BatchNorm (gamma and beta zeroed, and the producer's filters and bias too, so a group
 * without BN is 0 as well): what the physically smaller model must compute.
 */
async function zeroDroppedChannels(model: tfl.LayersModel, graph: ChannelGraph, selection: KeptChannels): Promise<tfl.LayersModel> {
  const copy = await cloneModel(model);
  for (const [groupId, kept] of selectionOf(selection)) {
    const group = graph.groups[groupId];
    const dropped = Array.from({ length: group.channels }, (_, k) => k).filter((k) => !kept.includes(k));
    for (const member of group.members) {
      if (member.role !== 'producer' && member.role !== 'batchnorm') continue;
      const layer = copy.getLayer(member.layer);
      const values = layer.getWeights().map((w) => {
        const name = layer.weights[layer.getWeights().indexOf(w)].originalName;
        const zeroHere = member.role === 'producer' ? /kernel$|bias$/.test(name) : /gamma$|beta$/.test(name);
        if (!zeroHere) return tf.clone(w);
        const data = Float32Array.from(w.dataSync());
        const out = w.shape[w.rank - 1];
        for (let i = 0; i < data.length; i++) {
          if (dropped.includes((i % out) - member.offset)) data[i] = 0;
        }
        return tf.tensor(data, w.shape);
      });
      layer.setWeights(values);
      tf.dispose(values);
    }
  }
  return copy;
}

function expectSameOutputs(a: tfl.LayersModel, b: tfl.LayersModel, x: tf.Tensor): void {
  const [ya, yb] = [a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor];
  const [va, vb] = [ya.dataSync(), yb.dataSync()];
  expect(va.length).toBe(vb.length);
  va.forEach((v, i) => expect(vb[i]).toBeCloseTo(v, 4));
  tf.dispose([ya, yb]);
}

/** Guards the equivalence tests: removing channels did change what the model computes. */
function expectDifferentOutputs(a: tfl.LayersModel, b: tfl.LayersModel, x: tf.Tensor): void {
  const [ya, yb] = [a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor];
  const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(ya, yb))).dataSync()[0]);
  expect(gap).toBeGreaterThan(1e-3);
  tf.dispose([ya, yb]);
}

function convWidths(model: tfl.LayersModel): Record<string, number> {
  return Object.fromEntries(
    model.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => [l.name, (l.getConfig() as { filters: number }).filters]),
  );
}

describe('structured pruners', () => {
  it('l1 keeps exactly the largest-norm filters and builds an equivalent, smaller model', async () => {
    const model = tinyConvNet();
    randomizeBatchNorms(model);
    const before = tf.memory().numTensors;
    const result = await makePruner('l1').prune(model, context(uniform(0.5)));
    const graph = buildChannelGraph(model);
    const selection = selectionOf(result.keptChannels);
    for (const name of ['conv1', 'conv2']) {
      const group = graph.groups[graph.convs.find((c) => c.layer === name)!.outputGroup];
      const scores = await l1FilterScores(model.getLayer(name).getWeights()[0]);
      const kept: readonly number[] = selection.get(group.id)!;
      expect(kept).toEqual(topScoring(scores, Math.floor(group.channels / 2)));
      // Exactly the largest: every kept score ≥ every dropped score.
      const dropped = [...scores.keys()].filter((k) => !kept.includes(k));
      expect(Math.min(...kept.map((k) => scores[k]))).toBeGreaterThanOrEqual(Math.max(...dropped.map((k) => scores[k])));
    }
    expect(convWidths(result.model)).toEqual({ conv1: 2, conv2: 3 });
    expect(result.groups?.map((g) => [g.layers, g.kept, g.total])).toEqual([
      [['conv1'], 2, 4],
      [['conv2'], 3, 6],
    ]);
    const reference = await zeroDroppedChannels(model, graph, result.keptChannels!);
    const x = tf.randomNormal([3, 6, 6, 2], 0, 1, 'float32', 5);
    expectSameOutputs(reference, result.model, x);
    expectDifferentOutputs(model, result.model, x);
    // The original is left as it was.
    expect(convWidths(model)).toEqual({ conv1: 4, conv2: 6 });
    tf.dispose(x);
    reference.dispose();
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('prunes a hand-built net with branches, a concat and a residual add', async () => {
    const model = branchyNet();
    randomizeBatchNorms(model, 3);
    const graph = buildChannelGraph(model);
    const result = await makePruner('l1').prune(model, context(uniform(0.5)));
    const selection = selectionOf(result.keptChannels);
    const widths = convWidths(result.model);
    // a, b, c lose half; d and e share the residual group: pruned together or not at all.
    expect(widths.conv_a).toBe(3);
    expect(widths.conv_b).toBe(2);
    expect(widths.conv_c).toBe(2);
    expect(widths.conv_d).toBe(widths.conv_e);
    // The residual group's score sums both producers' l1 norms.
    const residual = graph.groups.find((g) => g.producers.includes('conv_d'))!;
    if (selection.has(residual.id)) {
      const [d, e] = [await l1FilterScores(model.getLayer('conv_d').getWeights()[0]), await l1FilterScores(model.getLayer('conv_e').getWeights()[0])];
      const summed = d.map((v, i) => v + e[i]);
      expect(selection.get(residual.id)).toEqual(topScoring(summed, 3));
    }
    const reference = await zeroDroppedChannels(model, graph, result.keptChannels!);
    const x = tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 8);
    expectSameOutputs(reference, result.model, x);
    expectDifferentOutputs(model, result.model, x);
    expect(selection.has(residual.id)).toBe(residual.prunable);
    tf.dispose(x);
    reference.dispose();
    result.model.dispose();
    model.dispose();
  });

  it('random is reproducible for one seed and differs across seeds', async () => {
    const model = branchyNet();
    const run = async (seed: number) => {
      const result = await makePruner('random').prune(model, context(uniform(0.5), seed));
      result.model.dispose();
      return [...selectionOf(result.keptChannels).entries()];
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    const others = await Promise.all([2, 3, 4].map(run));
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
    model.dispose();
  });

  it('l2, fpgm and bn-scale keep the channels their scores rank highest', async () => {
    const model = tinyConvNet(4);
    randomizeBatchNorms(model, 9);
    const graph = buildChannelGraph(model);
    const conv2 = graph.groups[graph.convs[1].outputGroup];
    const plan = new PerLayerPlan({ keep: { conv2: 2 } });
    const kernel = model.getLayer('conv2').getWeights()[0];
    const gamma = Float32Array.from(model.getLayer('bn2').getWeights()[0].dataSync(), Math.abs);
    const cases: Array<[Pruner, Float32Array]> = [
      [makePruner('l2'), await l2FilterScores(kernel)],
      [makePruner('fpgm'), await fpgmFilterScores(kernel)],
      [makePruner('bn-scale'), gamma],
    ];
    for (const [pruner, scores] of cases) {
      const result = await pruner.prune(model, context(plan));
      expect(selectionOf(result.keptChannels).get(conv2.id)).toEqual(topScoring(scores, 2));
      expect(convWidths(result.model)).toEqual({ conv1: 4, conv2: 2 });
      result.model.dispose();
    }
    model.dispose();
  });

  it('a pruned model trains, saves and loads', async () => {
    const model = tinyConvNet();
    const { model: pruned } = await makePruner('l1').prune(model, context(uniform(0.5)));
    const x = tf.randomNormal([4, 6, 6, 2], 0, 1, 'float32', 2);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
    const before = pruned.getLayer('conv2').getWeights()[0].dataSync().slice();
    sgdStep(pruned, x, y);
    const after = pruned.getLayer('conv2').getWeights()[0].dataSync();
    expect(Array.from(after)).not.toEqual(Array.from(before));
    let saved: tf.io.ModelArtifacts | undefined;
    await pruned.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    expect(convWidths(loaded)).toEqual({ conv1: 2, conv2: 3 });
    expectSameOutputs(pruned, loaded, x);
    tf.dispose([x, y]);
    [model, pruned, loaded].forEach((m) => m.dispose());
  });

  it('asks for a plan when it has none, and refuses a plan that prunes an unprunable group', async () => {
    const model = tinyConvNet();
    await expect(makePruner('l1').prune(model, pruneContext())).rejects.toThrow(/needs a plan/);
    await expect(makePruner('l1').prune(model, context(new PerLayerPlan({ keep: { fc: 2 } })))).rejects.toThrow(/cannot be pruned/);
    model.dispose();
  });
});
