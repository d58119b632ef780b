// Every built-in pruner on the built-in models whose layers have biases (lenet5's convs and
// dense layers; vgg-small's dense layers), on the backend users get: wasm with prunebench's
// kernels. The pruned model must run forward and take a training step, as the harness's
// retraining does; on stock wasm a sliced bias used to fail in the fused kernels.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ModelFactory, Pruner } from '@prunebench/core';
import { expectNoLeakedTensors, TinyDataset, useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { createComponent, createPruneContext, RunLedger, setupPlugins, UsageError } from '@prunebench/core';
import models from '@prunebench/models';
import pruners from '@prunebench/pruners';

beforeAll(() => useBackend(wasmBackend));

const MODELS: Array<[string, number[]]> = [
  ['lenet5', [28, 28, 1]],
  ['vgg-small', [8, 8, 1]],
];
const WEIGHT_LEVEL = new Set<string>((pruners.weightScores ?? []).map((s) => s.id));
const DATA_DRIVEN = new Set(['taylor', 'taylor-2017', 'taylor-fo-2019', 'thinet', 'obd-c']);
const optionsOf = (id: string): Record<string, unknown> =>
  WEIGHT_LEVEL.has(id) ? { sparsity: 0.5 } : { plan: { use: 'uniform', ratio: 0.5 }, ...(DATA_DRIVEN.has(id) ? { batches: 1, batchSize: 4 } : {}) };
// What a config's pruners list can name: every criterion (composed with a plan) and weight score.
const ENTRY_IDS = [...(pruners.criteria ?? []), ...(pruners.weightScores ?? [])].map((c) => c.id);

function build(id: string, inputShape: number[]): LayersModel {
  const modelClass = models.models!.find((m) => m.id === id)!;
  return (new (modelClass as unknown as new (o: unknown) => ModelFactory)({})).build({ inputShape, numClasses: 3, seed: 1 });
}

describe.each(MODELS)('built-in pruners on %s (wasm)', (modelId, inputShape) => {
  it.each(ENTRY_IDS)('%s prunes it into a model that runs forward and trains', async (prunerId) => {
    const { registry, container } = await setupPlugins({ builtins: [{ plugin: pruners, source: { packageName: '@prunebench/pruners' } }] });
    const pruner = createComponent<Pruner>(container, registry, 'pruner', prunerId, optionsOf(prunerId));
    const model = build(modelId, inputShape);
    const context = createPruneContext({ dataset: new TinyDataset(inputShape, 3, { train: 8, validation: 0, test: 0 }), seed: 0, ledger: new RunLedger() });
    if (prunerId === 'bn-scale' && !model.layers.some((l) => l.getClassName() === 'BatchNormalization')) {
      // Nothing to rank by: refused with a message that names what to use instead.
      await expect(pruner.prune(model, context)).rejects.toThrow(UsageError);
      model.dispose();
      return;
    }
    const result = await pruner.prune(model, context);
    const pruned = result.model;
    if (pruner.requirements.structured) expect(pruned.countParams()).toBeLessThan(model.countParams());
    const optimizer = tf.train.sgd(0.01);
    await expectNoLeakedTensors('a forward pass and a training step of the pruned model', () => {
      tf.tidy(() => {
        const x = tf.randomUniform([2, ...inputShape], 0, 1, 'float32', 3);
        const y = pruned.predict(x) as tf.Tensor;
        expect(y.shape).toEqual([2, 3]);
        expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
        optimizer.minimize(() => tf.mean(tf.square(pruned.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar);
      });
    });
    optimizer.dispose();
    new Set([model, pruned]).forEach((m) => m.dispose());
  });
});
