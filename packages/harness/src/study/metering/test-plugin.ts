// Pruners for the metering tests, written as a third party would: they call tfjs directly.
import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs-core';
import { models, type LayersModel } from '@tensorflow/tfjs-layers';
import { injectable } from 'tsyringe';
import { definePlugin, PLUGIN_API_VERSION, type Dataset, type PruneContext, type PruneResult, type Pruner } from '@prunebench/core';

/** What each fixture pruner saw, for the tests to check. */
export const FIXTURE_LOG: Array<{ pruner: string; hadDataset: boolean; seed: number }> = [];

async function clone(model: LayersModel): Promise<LayersModel> {
  const copy = await models.modelFromJSON({ modelTopology: model.toJSON(undefined, false) as tf.serialization.ConfigDict });
  const weights = model.getWeights().map((w) => tf.clone(w));
  copy.setWeights(weights);
  tf.dispose(weights);
  return copy;
}

async function firstBatches(dataset: Dataset, count: number, seed: number) {
  const out: Array<{ x: tf.Tensor; y: tf.Tensor }> = [];
  for await (const batch of dataset.batches('train', { batchSize: 16, seed, epoch: 0 })) {
    out.push(batch);
    if (out.length === count) break;
  }
  return out;
}

// `training` decides BatchNorm's mode: in training mode it also moves the running statistics of
// the model it is applied to, which a pruner may do only to its own copy (the harness fails a
// pruner that changes its input model in place).
const loss = (model: LayersModel, x: tf.Tensor, y: tf.Tensor, training = true) =>
  tf.losses.softmaxCrossEntropy(y, model.apply(x, { training }) as tf.Tensor) as tf.Scalar;

/** Reads two batches and takes gradients on them, and charges nothing. */
@injectable()
export class UndeclaredGradientsPruner implements Pruner {
  static readonly id = 'undeclared-gradients';
  readonly requirements = { structured: false, needsData: true, needsGradients: true, trainsItself: false };

  async prune(model: LayersModel, context: PruneContext): Promise<PruneResult> {
    FIXTURE_LOG.push({ pruner: UndeclaredGradientsPruner.id, hadDataset: !!context.dataset, seed: context.seed });
    for (const { x, y } of await firstBatches(context.dataset!, 2, context.seed)) {
      const { value, grads } = tf.variableGrads(() => loss(model, x, y, false), model.trainableWeights.map((w) => w.read() as tf.Variable));
      tf.dispose([value, x, y, ...Object.values(grads)]);
    }
    return { model: await clone(model) };
  }
}

/** Trains itself for three SGD steps (tfjs's optimizer) and charges exactly that. */
@injectable()
export class SelfTrainingPruner implements Pruner {
  static readonly id = 'self-training';
  readonly requirements = { structured: false, needsData: true, needsGradients: true, trainsItself: true };

  async prune(model: LayersModel, context: PruneContext): Promise<PruneResult> {
    FIXTURE_LOG.push({ pruner: SelfTrainingPruner.id, hadDataset: !!context.dataset, seed: context.seed });
    const trained = await clone(model);
    const optimizer = tf.train.sgd(0.01);
    for (const { x, y } of await firstBatches(context.dataset!, 3, context.seed)) {
      optimizer.minimize(() => loss(trained, x, y), false, trained.trainableWeights.map((w) => w.read() as tf.Variable))?.dispose();
      tf.dispose([x, y]);
      context.ledger.charge('extraForwardSamples', 16);
      context.ledger.charge('extraBackwardSamples', 16);
      context.ledger.charge('extraOptimizerSteps', 1);
    }
    optimizer.dispose();
    return { model: trained };
  }
}

/** Declares it needs no data, and would read some if it were given a dataset. */
@injectable()
export class DataFreePruner implements Pruner {
  static readonly id = 'data-free';
  readonly requirements = { structured: false, needsData: false, needsGradients: false, trainsItself: false };

  async prune(model: LayersModel, context: PruneContext): Promise<PruneResult> {
    FIXTURE_LOG.push({ pruner: DataFreePruner.id, hadDataset: !!context.dataset, seed: context.seed });
    if (context.dataset) for (const { x, y } of await firstBatches(context.dataset, 1, 0)) tf.dispose([x, y]);
    return { model: await clone(model) };
  }
}

export default definePlugin({
  name: 'prunebench-metering-fixtures',
  version: '1.0.0',
  apiVersion: PLUGIN_API_VERSION,
  pruners: [UndeclaredGradientsPruner, SelfTrainingPruner, DataFreePruner],
});
