// One training step per layer class the pruning graph supports, on wasm with prunebench's kernels
// (the default backend), gradients within 1e-4 of tfjs's cpu backend: a layer that cannot train
// on wasm (e.g. a depthwise conv, whose gradients stock wasm lacks) fails here, not in a user's --finetune.
import * as tf from '@tensorflow/tfjs-core';
import { wasmBackend } from '@prunebench/backend-wasm';
import { expectGradientsLikeCpu, LAYER_CASES } from './test-layer-matrix';
import { SgdOptimizer } from '../training/sgd';
import { trainingStep } from '../training/train';

describe('every supported layer trains on wasm like on cpu', () => {
  it.each(LAYER_CASES.map((c) => [c.name, c] as const))('%s', async (_name, layerCase) => {
    await expectGradientsLikeCpu(layerCase, wasmBackend, async (model, batch, referenceLoss) => {
      // The trainer's own step (SGD with momentum and weight decay) on wasm.
      const optimizer = new SgdOptimizer(model.trainableWeights, { weightDecay: 1e-4 });
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const step = await trainingStep(model, variables, batch, optimizer, { lr: 0.01, momentum: 0.9 }, { fromLogits: true });
      optimizer.dispose();
      expect(step.applied).toBe(true);
      // Random layers draw other numbers in the trainer's training-mode step.
      if (layerCase.training) expect(step.loss).toBeCloseTo(referenceLoss, 4);
      else expect(Number.isFinite(step.loss)).toBe(true);
    });
  });
});
