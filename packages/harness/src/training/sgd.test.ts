import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { LayerVariable } from '@tensorflow/tfjs-layers';
import { SgdOptimizer } from './sgd';

/** PyTorch's SGD step (torch/optim/sgd.py, dampening 0), in float64 for reference. */
function torchSgd(w: number[], grads: number[][], hps: Array<{ lr: number; momentum: number }>, wd: number, nesterov: boolean, decay = true) {
  let buf: number[] | null = null;
  const p = [...w];
  grads.forEach((g0, t) => {
    const { lr, momentum } = hps[t];
    const g = g0.map((g, i) => (decay ? g + wd * p[i] : g));
    buf = buf === null ? [...g] : buf.map((b, i) => momentum * b + g[i]);
    const d = nesterov ? g.map((gi, i) => gi + momentum * buf![i]) : buf;
    for (let i = 0; i < p.length; i++) p[i] -= lr * d[i];
  });
  return p;
}

const w0 = [0.5, -1.25, 2, 0.1];
const grads = [
  [0.1, 0.2, -0.3, 0.4],
  [-0.5, 0.25, 0.125, 1],
  [0.3, -0.7, 0.2, -0.1],
  [1, 1, -1, 0.5],
];
// A CLR-like step-wise schedule: both the LR and the momentum change every step.
const hps = [
  { lr: 0.1, momentum: 0.95 },
  { lr: 0.05, momentum: 0.9 },
  { lr: 0.2, momentum: 0.85 },
  { lr: 0.01, momentum: 0.9 },
];

function makeVariable(name: string): LayerVariable {
  const initial = tf.tensor1d(w0);
  const variable = new LayerVariable(initial, 'float32', name, true);
  initial.dispose();
  return variable;
}

function run(options: ConstructorParameters<typeof SgdOptimizer>[1], name = 'dense/kernel') {
  const variable = makeVariable(name);
  const optimizer = new SgdOptimizer([variable], options);
  for (let t = 0; t < grads.length; t++) {
    const g = tf.tensor1d(grads[t]);
    optimizer.apply({ [variable.name]: g }, hps[t]);
    g.dispose();
  }
  const result = Array.from(variable.read().dataSync());
  return { result, optimizer, variable };
}

describe('SgdOptimizer has PyTorch SGD semantics', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['plain momentum', 0, false],
    ['coupled weight decay', 0.01, false],
    ['nesterov with weight decay', 0.01, true],
  ])('%s', (_label, weightDecay, nesterov) => {
    const before = tf.memory().numTensors;
    const { result, optimizer, variable } = run({ weightDecay, nesterov });
    const expected = torchSgd(w0, grads, hps, weightDecay, nesterov);
    result.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    expect(optimizer.step).toBe(4);
    optimizer.dispose();
    variable.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("decays only kernels with weightDecayOn: 'kernels'", () => {
    const bias = run({ weightDecay: 0.5, weightDecayOn: 'kernels' }, 'dense/bias');
    expect(bias.optimizer.decays(bias.variable)).toBe(false);
    bias.result.forEach((v, i) => expect(v).toBeCloseTo(torchSgd(w0, grads, hps, 0.5, false, false)[i], 6));
    const kernel = run({ weightDecay: 0.5, weightDecayOn: 'kernels' }, 'conv/kernel');
    expect(kernel.optimizer.decays(kernel.variable)).toBe(true);
    kernel.result.forEach((v, i) => expect(v).toBeCloseTo(torchSgd(w0, grads, hps, 0.5, false)[i], 6));
    [bias, kernel].forEach((r) => (r.optimizer.dispose(), r.variable.dispose()));
  });

  it('saves and restores its state, continuing exactly', async () => {
    const reference = run({ weightDecay: 0.01 });
    const variable = makeVariable('dense/kernel');
    const first = new SgdOptimizer([variable], { weightDecay: 0.01 });
    for (let t = 0; t < 2; t++) tf.tidy(() => first.apply({ [variable.name]: tf.tensor1d(grads[t]) }, hps[t]));
    const state = await first.getState();
    first.dispose();
    const second = new SgdOptimizer([variable], { weightDecay: 0.01 });
    second.setState(state);
    expect(second.step).toBe(2);
    for (let t = 2; t < 4; t++) tf.tidy(() => second.apply({ [variable.name]: tf.tensor1d(grads[t]) }, hps[t]));
    Array.from(variable.read().dataSync()).forEach((v, i) => expect(v).toBeCloseTo(reference.result[i], 6));
    [reference.optimizer, second].forEach((o) => o.dispose());
    [reference.variable, variable].forEach((v) => v.dispose());
  });
});
