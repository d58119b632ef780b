import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { wasmBackend } from '@prunebench/backend-wasm';
import { useBackend } from '@prunebench/core/testing';
import { engineChanges, engineState, guardedCall, nonFiniteWeight } from './engine-guard';

beforeAll(() => useBackend(wasmBackend));

function tinyModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [4] });
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2 }).apply(input) as tfl.SymbolicTensor });
}

describe('the engine guard', () => {
  it('fails a call that switched the backend, naming who and the change, and puts the backend back', async () => {
    const attempt = guardedCall('plugin x, pruner y', async () => void (await tf.setBackend('cpu')));
    await expect(attempt).rejects.toThrow(/^plugin x, pruner y changed the backend from wasm to cpu \(restored for the next run\)/);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('sees a kernel replaced and a flag changed, and restores both', async () => {
    const kernel = tf.getKernel('Relu', 'wasm')!;
    const flag = Object.keys(tf.env().getFlags()).find((name) => typeof tf.env().getFlags()[name] === 'boolean')!;
    const value = tf.env().getBool(flag);
    const before = engineState();
    const attempt = guardedCall('plugin x', () => {
      tf.unregisterKernel('Relu', 'wasm');
      tf.registerKernel({ ...kernel, kernelFunc: () => ({ dataId: {}, shape: [], dtype: 'float32' }) as never });
      tf.env().set(flag, !value);
    });
    await expect(attempt).rejects.toThrow(new RegExp(`the wasm kernels Relu \\(removed or replaced\\); the flag ${flag} from ${value} to ${!value}`));
    expect(engineChanges(before)).toEqual([]);
    expect(tf.getKernel('Relu', 'wasm')!.kernelFunc).toBe(kernel.kernelFunc);
  });

  it('fails a call that changed its input model in place, and passes one that did not', async () => {
    const model = tinyModel();
    try {
      await expect(guardedCall('a reader', () => model.predict(tf.zeros([1, 4])), { input: model, owned: () => 1 })).resolves.toMatchObject({ leakedTensors: 1 });
      const scale = () => tf.tidy(() => model.setWeights(model.getWeights().map((w) => tf.mul(w, 2))));
      await expect(guardedCall('a scaler', scale, { input: model })).rejects.toThrow(/a scaler changed the weights of the model it was given, in place/);
    } finally {
      model.dispose();
    }
  });

  it('counts the tensors a call leaves behind beyond what its result owns', async () => {
    const kept: tf.Tensor[] = [];
    const { leakedTensors } = await guardedCall('a leaker', () => {
      for (let i = 0; i < 7; i++) kept.push(tf.ones([2]));
      return kept[0];
    }, { owned: () => 1 });
    expect(leakedTensors).toBe(6);
    tf.dispose(kept);
  });

  it('names the plugin on the first line of what it throws, keeping its frames', async () => {
    const attempt = guardedCall('plugin p (pkg), pruner q', () => {
      throw new TypeError('bad input');
    });
    await expect(attempt).rejects.toThrow('plugin p (pkg), pruner q threw: bad input');
    await attempt.catch((error: Error) => expect(error.stack).toMatch(/^TypeError: plugin p \(pkg\), pruner q threw: bad input\n\s+at /));
  });

  it('finds a weight holding NaN', async () => {
    const model = tinyModel();
    try {
      expect(await nonFiniteWeight(model)).toBeUndefined();
      model.setWeights(model.getWeights().map((w, i) => (i === 1 ? tf.fill(w.shape, NaN) : w)));
      expect(await nonFiniteWeight(model)).toMatch(/bias/);
    } finally {
      model.dispose();
    }
  });
});
