import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from './select';
import { miniResNet20 } from '../benchmark/reference-models';
import { crossEntropy } from '../training/loss';
import { acceleratedWasmKernelsRegistered, unregisterAcceleratedWasmKernels } from '@prunebench/backend-wasm';

type T = tfl.SymbolicTensor;

/** A small VGG-style net: (conv-BN-relu) x2, maxpool, (conv-BN-relu) x2, maxpool, dense. */
function vggStyle(): tfl.LayersModel {
  let seed = 10;
  const input = tfl.input({ shape: [8, 8, 3] });
  let h: T = input;
  for (const [filters, pool] of [[8, false], [8, true], [16, false], [16, true]] as Array<[number, boolean]>) {
    h = tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', kernelInitializer: tfl.initializers.heNormal({ seed: seed++ }) }).apply(h) as T;
    h = tfl.layers.batchNormalization().apply(h) as T;
    h = tfl.layers.reLU().apply(h) as T;
    if (pool) h = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(h) as T;
  }
  h = tfl.layers.flatten().apply(h) as T;
  const out = tfl.layers.dense({ units: 10, kernelInitializer: tfl.initializers.glorotUniform({ seed }) }).apply(h) as T;
  return tfl.model({ inputs: input, outputs: out });
}

function pseudoRandom(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

/** Loss gradients of every trainable weight (training mode), as plain arrays by weight index. */
function gradients(build: () => tfl.LayersModel): Float32Array[] {
  const model = build();
  const x = tf.tensor4d(pseudoRandom(2 * 8 * 8 * 3, 5), [2, 8, 8, 3]);
  const labels = new Float32Array(20);
  labels[3] = 1;
  labels[10 + 7] = 1;
  const y = tf.tensor2d(labels, [2, 10]);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => crossEntropy(y, model.apply(x, { training: true }) as tf.Tensor, true), variables);
  const out = variables.map((v) => grads[v.name].dataSync().slice() as Float32Array);
  tf.dispose([x, y, value]);
  tf.dispose(grads);
  model.dispose();
  return out;
}

describe('whole-model gradients on accelerated wasm match cpu', () => {
  afterAll(() => unregisterAcceleratedWasmKernels());

  it.each([
    ['a VGG-style BN net (maxpool)', vggStyle],
    ['ResNet-20 (stride-2 convs, tf.pad shortcuts, Add, average pooling)', () => miniResNet20(3, [8, 8, 3])],
  ])('%s', async (_label, build) => {
    await tf.setBackend('cpu');
    const expected = gradients(build);
    const selection = await selectBackend('wasm');
    expect(selection.acceleratedKernels).toBe(true);
    expect(acceleratedWasmKernelsRegistered()).toBe(true);
    const before = tf.memory().numTensors;
    const actual = gradients(build);
    expect(tf.memory().numTensors).toBe(before);
    expect(actual).toHaveLength(expected.length);
    actual.forEach((g, i) => {
      let maxDiff = 0;
      let maxRef = 0;
      g.forEach((v, j) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - expected[i][j]));
        maxRef = Math.max(maxRef, Math.abs(expected[i][j]));
      });
      // A conv bias followed by BatchNorm has a zero gradient in exact arithmetic (BN removes
      // the mean): both backends give rounding noise there, hence the absolute floor.
      expect({ weight: i, withinTolerance: maxDiff <= 1e-3 * maxRef + 1e-6, maxDiff, maxRef }).toMatchObject({ weight: i, withinTolerance: true });
    });
  });
});
