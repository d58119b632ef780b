// The webgpu backend on SwiftShader (a software adapter): the provider's contract, what auto and
// --backend do with a software adapter, the trainer's steps against the cpu backend, and every
// supported layer's gradients. Runs in a child jest that alone sees the Vulkan settings (see
// test-swiftshader.ts); with CI=true a missing adapter fails, it is never skipped.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describeBackendProviderConformance } from '@prunebench/core/testing';
import { backendIdentity } from '../study/identity';
import { SgdOptimizer } from '../training/sgd';
import { trainingStep } from '../training/train';
import { cpuBackend } from './providers/cpu';
import { webgpuBackend } from './providers/webgpu';
import { describeChoice, selectBackend } from './select';
import { expectGradientsLikeCpu, LAYER_CASES, largestDifference, readWeights, type LayerCase } from './test-layer-matrix';
import { describeOnSwiftShader } from './test-swiftshader';

const seeded = (seed: number) => tfl.initializers.glorotUniform({ seed });

/** conv with bias → BN → ReLU; a depthwise → 1×1 conv without bias branch added back (residual); max and avg pools concatenated; dense. */
function parityNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 3] });
  const a = tfl.layers.reLU().apply(tfl.layers.batchNormalization({}).apply(tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: seeded(1), biasInitializer: 'ones' }).apply(input))) as tfl.SymbolicTensor;
  const depthwise = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthwiseInitializer: seeded(2) }).apply(a);
  const b = tfl.layers.conv2d({ filters: 4, kernelSize: 1, useBias: false, kernelInitializer: seeded(3) }).apply(depthwise);
  const r = tfl.layers.add().apply([a, b as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
  const pooled = tfl.layers.concatenate().apply([tfl.layers.maxPooling2d({ poolSize: 2 }).apply(r), tfl.layers.averagePooling2d({ poolSize: 2 }).apply(r)] as tfl.SymbolicTensor[]);
  const logits = tfl.layers.dense({ units: 3, kernelInitializer: seeded(4) }).apply(tfl.layers.flatten().apply(pooled));
  return tfl.model({ inputs: input, outputs: logits as tfl.SymbolicTensor });
}

const STEPS = 20;

/** 20 steps of the trainer (SGD, momentum, weight decay, BN in training mode) from `initial`: each step's loss and the final weights. */
async function train(initial?: Float32Array[]): Promise<{ initial: Float32Array[]; losses: number[]; final: Float32Array[] }> {
  const model = parityNet();
  if (initial) model.setWeights(model.getWeights().map((w, i) => tf.tensor(initial[i], w.shape)));
  const start = await readWeights(model);
  const optimizer = new SgdOptimizer(model.trainableWeights, { weightDecay: 5e-4 });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: number[] = [];
  // One batch, fitted step after step: the loss must fall, on both backends alike.
  const batch = tf.tidy(() => ({ x: tf.randomUniform([4, 6, 6, 3], -1, 1, 'float32', 100), y: tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3), 'float32') }));
  try {
    for (let step = 0; step < STEPS; step++) {
      const outcome = await trainingStep(model, variables, batch, optimizer, { lr: 0.05, momentum: 0.9 }, { fromLogits: true });
      losses.push(outcome.loss);
    }
    return { initial: start, losses, final: await readWeights(model) };
  } finally {
    tf.dispose([batch.x, batch.y]);
    optimizer.dispose();
    model.dispose();
  }
}

describeOnSwiftShader('webgpu on SwiftShader', __filename, () => {
  beforeAll(async () => {
    // No adapter is a failure here, with Dawn's reason: never a skip.
    const loaded = await webgpuBackend.load();
    expect(loaded).toMatchObject({ tfjsBackend: 'webgpu', gpu: true, hardware: false });
  });

  describeBackendProviderConformance({ provider: webgpuBackend });

  describe('selection', () => {
    it('auto never selects a software adapter, and says why', async () => {
      const selection = await selectBackend('auto');
      expect(selection.name).not.toBe('webgpu');
      const attempt = selection.attempts.find((a) => a.name === 'webgpu')!;
      expect(attempt).toMatchObject({ ok: false, reason: expect.stringMatching(/swiftshader.* is a software adapter: .*\(--backend webgpu uses it\)/i) });
      expect(describeChoice(selection)).toMatch(/webgpu: google swiftshader/i);
    });

    it('--backend webgpu uses it, says it is software, and the identity names the adapter and driver', async () => {
      const selection = await selectBackend('webgpu');
      expect(tf.getBackend()).toBe('webgpu');
      expect(describeChoice(selection)).toMatch(/^webgpu on google swiftshader \(.*\), driver SwiftShader driver [\d.]+ — software adapter: .+; correct, and slower than wasm \(as configured\)$/i);
      const identity = backendIdentity(selection);
      expect(identity).toEqual({ name: 'webgpu', kernels: expect.stringMatching(/^@tensorflow\/tfjs-backend-webgpu@4\.22\.0 on Dawn \(webgpu@[\d.]+\)$/), device: expect.stringMatching(/swiftshader/i), driver: expect.stringMatching(/SwiftShader/) });
    });
  });

  it(`the trainer's ${STEPS} SGD steps match the cpu backend's (loss within 1e-4 relative, final weights within 1e-3)`, async () => {
    await cpuBackend.load();
    const cpu = await train();
    await webgpuBackend.load();
    const gpu = await train(cpu.initial);
    gpu.losses.forEach((loss, step) => {
      if (!(Math.abs(loss - cpu.losses[step]) <= 1e-4 * Math.abs(cpu.losses[step]))) throw new Error(`step ${step}: loss ${loss} on webgpu, ${cpu.losses[step]} on cpu`);
    });
    expect(cpu.losses[STEPS - 1]).toBeLessThan(cpu.losses[0]);
    const worst = largestDifference(Object.fromEntries(cpu.final.map((w, i) => [String(i), w])), Object.fromEntries(gpu.final.map((w, i) => [String(i), w])));
    if (worst.difference > 1e-3) throw new Error(`final weights differ by ${worst.difference} at weight ${worst.where}`);
  }, 120_000);

  describe('every supported layer trains on webgpu like on cpu (gradients within 1e-4)', () => {
    it.each(LAYER_CASES.map((c) => [c.name, c] as const))('%s', async (_name, layerCase: LayerCase) => {
      await expectGradientsLikeCpu(layerCase, webgpuBackend);
    }, 30_000);
  });
});
