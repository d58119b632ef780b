import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { applyKeptChannels, buildChannelGraph, type WeightMasks } from '@prunebench/core';
import { selectBackend } from '../backend/select';
import { compareOutputs, zeroPrunedParts } from './output-check';
import { modelArtifacts, modelFromArtifacts } from '../training/model-files';

beforeAll(async () => {
  await selectBackend('wasm');
});

/** conv → BN → ReLU → conv → flatten → dense: a BN shift on dropped channels would show if mishandled. */
function net(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 2] });
  const init = (seed: number) => tfl.initializers.randomNormal({ seed });
  let x = tfl.layers.conv2d({ name: 'c1', filters: 6, kernelSize: 3, padding: 'same', kernelInitializer: init(1) }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn', betaInitializer: tfl.initializers.constant({ value: 0.7 }) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ name: 'c2', filters: 4, kernelSize: 3, kernelInitializer: init(2) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ name: 'fc', units: 3, kernelInitializer: init(3) }).apply(tfl.layers.flatten().apply(x)) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x });
}

/** The pruned model as the command checks it: rebuilt from its saved artifacts. */
async function prunedAsSaved(model: tfl.LayersModel, keep: Map<number, number[]>) {
  const graph = buildChannelGraph(model);
  const smaller = applyKeptChannels(model, graph, keep);
  const rebuilt = await modelFromArtifacts(await modelArtifacts(smaller), 'test');
  smaller.dispose();
  return { graph, pruned: rebuilt };
}

describe('the output check', () => {
  it('passes a correct channel selection against the zeroed original, and fails it against the untouched one', async () => {
    const model = net();
    const c1 = buildChannelGraph(model).groups.find((g) => g.producers.includes('c1'))!;
    const keep = new Map([[c1.id, [0, 2, 3]]]);
    const { graph, pruned } = await prunedAsSaved(model, keep);
    // Without zeroing, the dropped channels' BN shift (0.7 after ReLU) still reaches c2.
    const untouched = await compareOutputs(model, pruned, { tolerance: 1e-4 });
    expect(untouched.passed).toBe(false);
    expect(untouched.maxAbsError).toBeGreaterThan(1e-2);
    const before = tf.memory().numTensors;
    zeroPrunedParts(model, graph, keep);
    const check = await compareOutputs(model, pruned, { tolerance: 1e-4, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(check).toMatchObject({ passed: true, batchSize: 4, seed: 3, tolerance: 1e-4 });
    expect(check.outputScale).toBeGreaterThan(0.01);
    expect(check.relativeError).toBeLessThanOrEqual(1e-4);
    pruned.dispose();
    model.dispose();
  });

  it('fails a pruned model with a wrong weight, and one that outputs NaN', async () => {
    const model = net();
    const c1 = buildChannelGraph(model).groups.find((g) => g.producers.includes('c1'))!;
    const keep = new Map([[c1.id, [1, 4]]]);
    const { graph, pruned } = await prunedAsSaved(model, keep);
    zeroPrunedParts(model, graph, keep);
    expect((await compareOutputs(model, pruned, { tolerance: 1e-4 })).passed).toBe(true);
    const fc = pruned.getLayer('fc');
    const [kernel, bias] = fc.getWeights();
    const shifted = tf.add(bias, 0.01);
    fc.setWeights([kernel, shifted]);
    const wrong = await compareOutputs(model, pruned, { tolerance: 1e-4 });
    expect(wrong.passed).toBe(false);
    expect(wrong.maxAbsError).toBeCloseTo(0.01, 4);
    const nan = tf.fill(bias.shape, NaN);
    fc.setWeights([kernel, nan]);
    expect(await compareOutputs(model, pruned, { tolerance: 1e-4 })).toMatchObject({ passed: false, maxAbsError: Infinity });
    tf.dispose([shifted, nan]);
    pruned.dispose();
    model.dispose();
  });

  it('applies weight masks to the reference', () => {
    const model = net();
    const kernel = model.getLayer('c2').getWeights()[0];
    const mask = new Float32Array(kernel.size).map((_, i) => (i % 3 === 0 ? 0 : 1));
    const masks: WeightMasks = new Map([['c2/kernel', mask]]);
    zeroPrunedParts(model, buildChannelGraph(model), undefined, masks);
    const values = model.getLayer('c2').getWeights()[0].dataSync();
    mask.forEach((m, i) => expect(values[i] === 0).toBe(m === 0 || values[i] === 0));
    expect(Array.from(values).filter((v, i) => i % 3 === 0).every((v) => v === 0)).toBe(true);
    expect(() => zeroPrunedParts(model, buildChannelGraph(model), undefined, new Map([['nope/kernel', mask]]))).toThrow(/matches no weight/);
    model.dispose();
  });
});
