// The prune helpers a criterion uses (activation taps, activation gradients, BN-frozen
// training forwards) on the backend users get — wasm with prunebench's kernels — match cpu.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createPruneContext, RunLedger } from '@prunebench/core';
import { conformanceConvNet, randomizeBatchNorms } from '@prunebench/core/testing';
import { unregisterAcceleratedWasmKernels } from '@prunebench/backend-wasm';
import { selectBackend } from './select';

/** Activations and gradients at bn2 and bn3 (training-mode forward), and the BN statistics after. */
function helperOutputs(): { values: number[][]; statistics: number[][]; leaked: number } {
  const model = conformanceConvNet();
  randomizeBatchNorms(model);
  const { helpers } = createPruneContext({ seed: 0, ledger: new RunLedger() });
  const x = tf.randomNormal([4, 8, 8, 2], 0, 1, 'float32', 11);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
  const before = tf.memory().numTensors;
  const { activations, gradients } = helpers.activationGradients(model, { x, y }, ['bn2', 'bn3'], { reduction: 'mean', training: true });
  const values = [...activations.values(), ...gradients.values()].map((t) => Array.from(t.dataSync()));
  tf.dispose([...activations.values(), ...gradients.values()]);
  const leaked = tf.memory().numTensors - before;
  const statistics = model.weights.filter((w) => /moving_/.test(w.originalName)).map((w) => Array.from(w.read().dataSync()));
  tf.dispose([x, y]);
  model.dispose();
  return { values, statistics, leaked };
}

describe('prune helpers on accelerated wasm', () => {
  afterAll(() => unregisterAcceleratedWasmKernels());

  it('give the cpu backend\'s activations and activation gradients, and leave BN statistics untouched', async () => {
    await tf.setBackend('cpu');
    const expected = helperOutputs();
    const selection = await selectBackend('wasm');
    expect(selection.acceleratedKernels).toBe(true);
    helperOutputs(); // warm-up: the first use of a backend keeps a few lasting tensors (cached scalars)
    const actual = helperOutputs();
    expect(actual.leaked).toBe(0);
    actual.values.forEach((values, i) => {
      const maxRef = Math.max(...expected.values[i].map(Math.abs));
      const maxDiff = Math.max(...values.map((v, j) => Math.abs(v - expected.values[i][j])));
      expect({ tensor: i, close: maxDiff <= 1e-3 * maxRef + 1e-6 }).toEqual({ tensor: i, close: true });
    });
    // Training-mode forwards restored the moving statistics exactly (the same seeded values on both).
    expect(actual.statistics).toEqual(expected.statistics);
  });
});
