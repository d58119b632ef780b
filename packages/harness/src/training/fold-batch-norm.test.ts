import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../backend/select';
import { unregisterAcceleratedWasmKernels } from '@prunebench/backend-wasm';
import { miniResNet20 } from '../benchmark/reference-models';
import { evaluate } from './evaluate';
import { foldBatchNorm } from './fold-batch-norm';
import { BandsDataset } from './synthetic-fixtures';

type T = tfl.SymbolicTensor;

function values(count: number, seed: number, scale = 1, shift = 0): Float32Array {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * scale + shift;
  }
  return out;
}

/** Gives every BatchNorm non-trivial gamma, beta and moving statistics (fresh ones are an identity). */
function randomiseBatchNorms(model: tfl.LayersModel): void {
  let seed = 100;
  for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
    const c = layer.getWeights()[0].shape[0];
    const weights = [values(c, seed++, 1, 1), values(c, seed++), values(c, seed++, 2), values(c, seed++, 1, 1)].map((v) => tf.tensor1d(v));
    layer.setWeights(weights);
    tf.dispose(weights);
  }
}

function maxRelativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    ref = Math.max(ref, Math.abs(b[i]));
  }
  return diff / ref;
}

/** conv(bias)-BN-relu, conv(no bias)-BN, a conv with relu then BN (not foldable), dense-BN. */
function mixedNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 3] });
  let h = tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }).apply(input) as T;
  h = tfl.layers.reLU().apply(tfl.layers.batchNormalization().apply(h)) as T;
  h = tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false }).apply(h) as T;
  h = tfl.layers.batchNormalization({ epsilon: 1e-5 }).apply(h) as T;
  h = tfl.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu' }).apply(h) as T;
  h = tfl.layers.batchNormalization().apply(h) as T;
  h = tfl.layers.flatten().apply(h) as T;
  h = tfl.layers.dense({ units: 5 }).apply(h) as T;
  const out = tfl.layers.batchNormalization().apply(h) as T;
  return tfl.model({ inputs: input, outputs: out });
}

describe('foldBatchNorm', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  afterAll(() => unregisterAcceleratedWasmKernels());

  it.each([
    ['conv/dense + BN, and a conv with an activation left alone', mixedNet, 3, [3, 6, 6, 3]],
    ['ResNet-20 (every conv followed by BN, shortcuts, Add)', () => miniResNet20(2, [8, 8, 3]), 19, [3, 8, 8, 3]],
  ])('%s: same inference outputs to 1e-5, BN layers gone', (_label, build, expectedFolds, shape) => {
    const model = (build as () => tfl.LayersModel)();
    randomiseBatchNorms(model);
    const x = tf.tensor(values((shape as number[]).reduce((a, b) => a * b, 1), 7, 2), shape as number[]);
    const before = tf.memory().numTensors;
    const folded = foldBatchNorm(model);
    const expected = model.apply(x, { training: false }) as tf.Tensor;
    const actual = folded.model.apply(x, { training: false }) as tf.Tensor;
    expect(folded.folded).toHaveLength(expectedFolds as number);
    const remaining = folded.model.layers.filter((l) => l.getClassName() === 'BatchNormalization').length;
    const originalBns = model.layers.filter((l) => l.getClassName() === 'BatchNormalization').length;
    expect(remaining).toBe(originalBns - (expectedFolds as number));
    expect(maxRelativeError(actual.dataSync() as Float32Array, expected.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([expected, actual]);
    folded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it('leaves a model without foldable BatchNorm as it is', () => {
    const input = tfl.input({ shape: [4, 4, 1] });
    const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3 }).apply(input) as T;
    // The conv's output is read twice: folding BN into it would change the other reader.
    const out = tfl.layers.add().apply([tfl.layers.batchNormalization().apply(conv) as T, conv]) as T;
    const model = tfl.model({ inputs: input, outputs: out });
    const folded = foldBatchNorm(model);
    expect(folded.folded).toEqual([]);
    expect(folded.model).toBe(model);
    model.dispose();
  });

  it('evaluate() folds by default and reports the same metrics as without folding', async () => {
    const dataset = new BandsDataset(8, 10, { train: 0, validation: 0, test: 48 });
    const model = miniResNet20(3, [8, 8, 1]);
    randomiseBatchNorms(model);
    let withFolding: Awaited<ReturnType<typeof evaluate>> | undefined;
    let without: Awaited<ReturnType<typeof evaluate>> | undefined;
    // tf.profile reuses its result object: copy the kernel names before the next profile.
    const folded = [...(await tf.profile(async () => {
      withFolding = await evaluate(model, dataset, 'test', 16);
    })).kernelNames];
    const stock = [...(await tf.profile(async () => {
      without = await evaluate(model, dataset, 'test', 16, { foldBatchNorm: false });
    })).kernelNames];
    expect(stock).toContain('FusedBatchNorm');
    expect(folded).not.toContain('FusedBatchNorm');
    if (!withFolding || !without) throw new Error('evaluation did not run');
    expect(withFolding.samples).toBe(48);
    expect(withFolding.top1).toBe(without.top1);
    expect(Math.abs(withFolding.loss - without.loss)).toBeLessThan(1e-5 * Math.max(1, without.loss));
    model.dispose();
  });
});
