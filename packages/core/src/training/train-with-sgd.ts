import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors';
import type { PruneContext } from '../interfaces/pruner';

/** How a pruner trains a network itself (sparsity training, soft pruning, Taylor's iterations). */
export interface SgdSettings {
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  nesterov: boolean;
  /** Coupled (L2) weight decay on every trainable variable, as PyTorch's SGD: g += wd × w. */
  weightDecay: number;
}

/** JSON-schema properties of `SgdSettings` with the given defaults: spread them into an options schema. */
export function sgdSettingsSchema(defaults: SgdSettings): Record<string, Record<string, unknown>> {
  return {
    epochs: { type: 'integer', minimum: 1, default: defaults.epochs, description: 'epochs of training on the train split' },
    batchSize: { type: 'integer', minimum: 1, default: defaults.batchSize },
    lr: { type: 'number', exclusiveMinimum: 0, default: defaults.lr, description: 'SGD learning rate' },
    momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: defaults.momentum },
    nesterov: { type: 'boolean', default: defaults.nesterov },
    weightDecay: { type: 'number', minimum: 0, default: defaults.weightDecay, description: 'coupled weight decay, as PyTorch SGD' },
  };
}

export interface TrainingHooks {
  /** The learning rate of an epoch (default: `settings.lr` throughout). */
  lrAt?: (epoch: number) => number;
  /** A penalty added to the loss at a step (built from the weights inside the tape). */
  penalty?: (step: number) => tf.Scalar;
  /** The loss's gradients at a step (before weight decay), by variable name; read them, keep nothing. */
  onGradients?: (grads: tf.NamedTensorMap, step: number) => void;
  /** After each optimizer step; returning true ends the training there. */
  afterStep?: (step: number) => boolean | void | Promise<boolean | void>;
  /** After each epoch (SFP zeroes filters here). */
  afterEpoch?: (epoch: number) => void | Promise<void>;
}

/**
 * Trains `model` in place: `settings.epochs` epochs over the train split of `context.dataset`
 * (seeded shuffle and augmentation, whole batches), softmax cross-entropy on the logits plus the
 * hook's penalty, with tfjs's momentum optimizer (PyTorch's SGD update: v ← m·v + g, w ← w − lr·v,
 * so the harness's optimizer meter counts every step). Each step is charged to the ledger as an
 * extra optimizer step and one extra forward and backward pass per example. Returns the steps taken.
 */
export async function trainWithSgd(model: LayersModel, context: PruneContext, settings: SgdSettings, hooks: TrainingHooks = {}, what = 'this pruner'): Promise<number> {
  if (!context.dataset) throw new UsageError(`${what} trains the network: it needs the train split (context.dataset)`);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.momentum(settings.lr, settings.momentum, settings.nesterov);
  let step = 0;
  try {
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      optimizer.setLearningRate(hooks.lrAt?.(epoch) ?? settings.lr);
      for await (const { x, y } of context.dataset.batches('train', { batchSize: settings.batchSize, seed: context.seed, epoch, shuffle: true, augment: true, dropRemainder: true })) {
        const n = x.shape[0];
        try {
          tf.tidy(() => {
            const { grads } = tf.variableGrads(() => {
              const loss = tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
              return hooks.penalty ? tf.add(loss, hooks.penalty(step)) : loss;
            }, variables);
            hooks.onGradients?.(grads, step);
            const decayed: Array<{ name: string; tensor: tf.Tensor }> = [];
            for (const variable of variables) {
              const g = grads[variable.name];
              if (g) decayed.push({ name: variable.name, tensor: settings.weightDecay > 0 ? tf.add(g, tf.mul(variable, settings.weightDecay)) : g });
            }
            optimizer.applyGradients(decayed);
          });
        } finally {
          tf.dispose([x, y]);
        }
        context.ledger.charge('extraOptimizerSteps', 1);
        context.ledger.charge('extraForwardSamples', n);
        context.ledger.charge('extraBackwardSamples', n);
        const stop = await hooks.afterStep?.(step);
        step++;
        if (stop === true) return step;
      }
      await hooks.afterEpoch?.(epoch);
    }
    if (step === 0) throw new UsageError(`${what} took no training step: the train split has fewer than ${settings.batchSize} examples (its batchSize)`);
    return step;
  } finally {
    optimizer.dispose();
    // tfjs's MomentumOptimizer.dispose leaves its learning-rate scalar (SGDOptimizer's) behind.
    tf.SGDOptimizer.prototype.dispose.call(optimizer);
  }
}
