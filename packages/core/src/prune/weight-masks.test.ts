import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { applyWeightMasks, maskWeights } from './weight-masks';

function dense(): tfl.LayersModel {
  const input = tfl.input({ shape: [2] });
  const output = tfl.layers.dense({ units: 2, name: 'fc' }).apply(input) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output });
  model.getLayer('fc').setWeights([tf.tensor2d([[-1, 2], [3, -4]]), tf.tensor1d([5, -6])]);
  return model;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('weight masks (the one implementation: the mask pruner and the trainer)', () => {
  it('sets pruned weights to exactly +0, by a weight\'s name or its original name', () => {
    const model = dense();
    const kernel = model.getLayer('fc').weights[0];
    applyWeightMasks(model, new Map([[kernel.originalName, Float32Array.from([0, 1, 1, 0])]]));
    const values = Array.from(kernel.read().dataSync());
    expect(values).toEqual([0, 2, 3, 0]);
    expect(values.map((v) => Object.is(v, -0))).toEqual([false, false, false, false]);
    applyWeightMasks(model, new Map([[model.getLayer('fc').weights[1].name, Float32Array.from([1, 0])]]));
    expect(Array.from(model.getLayer('fc').weights[1].read().dataSync())).toEqual([5, 0]);
    model.dispose();
  });

  it('resolves once and applies after every step, leaving no tensor behind once disposed', () => {
    const model = dense();
    const before = tf.memory().numTensors;
    const masked = maskWeights(model, new Map([['fc/kernel', Float32Array.from([1, 0, 0, 1])]]));
    const kernel = model.getLayer('fc').weights[0];
    for (let step = 0; step < 3; step++) {
      tf.tidy(() => void kernel.write(tf.add(kernel.read(), 1)));
      masked.apply();
      expect(Array.from(kernel.read().dataSync())).toEqual([-1 + step + 1, 0, 0, -4 + step + 1]);
    }
    masked.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses a mask that names no weight or has the wrong size, and leaks nothing doing so', () => {
    const model = dense();
    const before = tf.memory().numTensors;
    expect(() => maskWeights(model, new Map([['fc/kernel', new Float32Array(4)], ['nope/kernel', new Float32Array(1)]]))).toThrow(/"nope\/kernel" matches no weight of model/);
    expect(() => applyWeightMasks(model, new Map([['fc/kernel', new Float32Array(3)]]))).toThrow(/has 3 entries but the weight has 4 \(shape \[2,2\]\)/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
