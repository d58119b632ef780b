import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelFactory } from '@prunebench/core';
import plugin, { Vgg16Model } from './index';
import { forwardLogits, roundTrip, trainOneStep, useWasmBackend } from './test-helpers';

beforeAll(useWasmBackend);

/**
 * Tiny inputs that still fit each architecture's downsampling (tfjs's cpu backend computes conv
 * gradients slowly, so the VGGs and ImageNet ResNets are built at their real depth with narrow
 * widths here; full-width CIFAR models are built and counted in pfec-counts.test.ts).
 */
const NARROW_VGG16 = [4, 4, 'M', 4, 4, 'M', 4, 4, 4, 'M', 4, 4, 4, 'M', 4, 4, 4];
const NARROW_VGG19 = [4, 4, 'M', 4, 4, 'M', 4, 4, 4, 4, 'M', 4, 4, 4, 4, 'M', 4, 4, 4, 4];
const CASES: Array<[string, number[], Record<string, unknown>]> = [
  ['vgg16', [32, 32, 3], { widths: NARROW_VGG16, classifierWidth: 8 }],
  ['vgg19', [32, 32, 3], { widths: NARROW_VGG19, classifierWidth: 8 }],
  ['resnet20', [4, 4, 3], {}],
  ['resnet32', [4, 4, 3], {}],
  ['resnet44', [4, 4, 3], {}],
  ['resnet56', [4, 4, 3], {}],
  ['resnet110', [4, 4, 3], {}],
  ['resnet18', [16, 16, 3], { baseWidth: 8 }],
  ['resnet34', [16, 16, 3], { baseWidth: 8 }],
  ['resnet50', [16, 16, 3], { baseWidth: 8 }],
  ['lenet5', [12, 12, 1], {}],
  ['vgg-small', [8, 8, 1], {}],
];

function factory(id: string, options: Record<string, unknown>): ModelFactory {
  const modelClass = plugin.models.find((m) => m.id === id)!;
  return new (modelClass as unknown as new (o: unknown) => ModelFactory)(options);
}

describe('built-in models', () => {
  it('lists every model of the design, each with a default input shape', () => {
    expect(plugin.models.map((m) => m.id).sort()).toEqual(CASES.map(([id]) => id).sort());
    for (const m of plugin.models) expect((m as { defaultInputShape?: number[] }).defaultInputShape).toHaveLength(3);
  });

  it.each(CASES)('%s builds, runs forward and a training step, and round-trips through save/load', async (id, inputShape, options) => {
    const model = factory(id, options).build({ inputShape, numClasses: 3, seed: 5 });
    const tensors = tf.memory().numTensors;
    expect(model.name).toBe(id);
    const logits = forwardLogits(model);
    expect(logits.every(Number.isFinite)).toBe(true);

    const loaded = await roundTrip(model);
    expect(forwardLogits(loaded)).toEqual(forwardLogits(model));
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(tensors);

    const { loss, moved } = await trainOneStep(model);
    expect(Number.isFinite(loss) && loss > 0).toBe(true);
    expect(moved).toBeGreaterThan(0);
    model.dispose();
  });

  it('gives the same weights for the same seed and others for another seed', () => {
    const build = (seed: number) => new Vgg16Model({ widths: [4, 'M', 4, 'M', 4, 'M', 4, 'M', 4], classifierWidth: 8 }).build({ inputShape: [32, 32, 3], numClasses: 2, seed });
    const [a, b, c] = [build(1), build(1), build(2)];
    const kernels = (m: tfl.LayersModel) => m.getLayer('conv2').getWeights()[0].dataSync();
    expect(kernels(a)).toEqual(kernels(b));
    expect(kernels(a)).not.toEqual(kernels(c));
    // The reference init: BN gamma 0.5 after convs, 1 in the classifier.
    expect(Array.from(a.getLayer('conv1_bn').getWeights()[0].dataSync())).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(a.getLayer('fc1_bn').getWeights()[0].dataSync()[0]).toBe(1);
    [a, b, c].forEach((m) => m.dispose());
  });
});
