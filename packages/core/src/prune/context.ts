import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors';
import type { Batch, Dataset } from '../interfaces/dataset';
import type { Ledger } from '../interfaces/ledger';
import type { Plan, PruneContext } from '../interfaces/pruner';
import type { ActivationGradients, ActivationTap, GradientOptions, PruneHelpers, TapPoint } from '../interfaces/prune-helpers';
import type { PruningGroup } from '../graph/types';
import { Rng } from '../util/rng';
import { tappedForward, withFrozenBatchNorms } from './tapped-forward';

/**
 * The one way to make a `PruneContext`: the harness calls it with the run's (metered) dataset
 * view, a plugin's test with a tiny dataset and a `RunLedger`.
 */
export function createPruneContext(options: { dataset?: Dataset; seed: number; ledger: Ledger; plan?: Plan }): PruneContext {
  const { dataset, seed, ledger } = options;
  const helpers: PruneHelpers = {
    calibrationBatches: (request) => calibrationBatches(dataset, seed, ledger, request),
    taps: groupTaps,
    activations: (model, x, layers, forward = {}) => {
      const seen = new Map<string, tf.Tensor>();
      const training = forward.training === true;
      withFrozenBatchNorms(model, training, () => tf.tidy(() => void tappedForward(model, x, layers, { seen, training })));
      return seen;
    },
    activationGradients: (model, batch, layers, gradient = {}) => {
      const result = activationGradients(model, batch, layers, gradient);
      ledger.charge('extraBackwardSamples', batch.x.shape[0]);
      return result;
    },
    rng: (...labels) => new Rng(seed, ...labels),
  };
  return { dataset, seed, ledger, helpers, ...(options.plan ? { plan: options.plan } : {}) };
}

async function* calibrationBatches(
  dataset: Dataset | undefined,
  seed: number,
  ledger: Ledger,
  { batches, batchSize }: { batches: number; batchSize: number },
): AsyncGenerator<Batch> {
  if (!dataset) throw new UsageError('this criterion needs calibration data, but the prune context has no dataset: pass the train split (createPruneContext({ dataset, ... }))');
  if (!(Number.isInteger(batches) && batches >= 1 && Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new UsageError(`calibration batches: "batches" and "batchSize" must be positive integers (got ${batches} and ${batchSize})`);
  }
  await dataset.load();
  let served = 0;
  const stream = dataset.batches('train', { batchSize, seed, epoch: 0, shuffle: true, augment: false })[Symbol.asyncIterator]();
  try {
    while (served < batches) {
      const next = await stream.next();
      if (next.done) break;
      const batch = next.value;
      served++;
      try {
        ledger.charge('extraForwardSamples', batch.x.shape[0]);
        yield batch;
      } finally {
        tf.dispose([batch.x, batch.y]);
      }
    }
  } finally {
    await stream.return?.();
  }
  if (served === 0) throw new UsageError('the train split gave no calibration batches: is it empty?');
}

function groupTaps(group: PruningGroup, at: TapPoint): ActivationTap[] {
  const norms = at === 'after-bn' ? group.members.filter((m) => m.role === 'batchnorm') : [];
  const taps = new Map<string, ActivationTap>();
  // A producer's output starts at channel 0; a BatchNorm after a concat reads the group at its offset.
  if (norms.length) for (const m of norms) taps.set(`${m.layer}@${m.offset}`, { layer: m.layer, offset: m.offset });
  else for (const layer of group.producers) taps.set(`${layer}@0`, { layer, offset: 0 });
  return [...taps.values()];
}

function activationGradients(model: LayersModel, batch: Batch, layers: readonly string[], options: GradientOptions): ActivationGradients {
  const n = batch.x.shape[0];
  const seen = new Map<string, tf.Tensor>();
  const softmaxOutput = endsInSoftmax(model);
  const training = options.training === true;
  let grads: tf.Tensor[] = [];
  withFrozenBatchNorms(model, training, () => {
    grads = tf.tidy(() => {
      // Full-shape offsets: a broadcast one would sum the gradient over examples and positions.
      const zeros = layers.map((name) => tf.zeros([n, ...activationShape(model, name)]));
      const loss = (...offsets: tf.Tensor[]) => {
        const output = tappedForward(model, batch.x, layers, { offsets: new Map(layers.map((name, i) => [name, offsets[i]])), seen, training });
        const summed = softmaxOutput
          ? tf.neg(tf.sum(tf.mul(batch.y, tf.log(tf.add(output, 1e-7)))))
          : tf.losses.softmaxCrossEntropy(batch.y, output, undefined, undefined, tf.Reduction.SUM);
        return (options.reduction === 'mean' ? tf.div(summed, n) : summed) as tf.Scalar;
      };
      return tf.grads(loss)(zeros);
    });
  });
  return { activations: seen, gradients: new Map(layers.map((name, i) => [name, grads[i]])) };
}

/** A layer's output shape without the batch dimension. */
function activationShape(model: LayersModel, name: string): number[] {
  const shape = model.getLayer(name).outputShape as Array<number | null>;
  if (shape.slice(1).some((d) => d === null)) {
    throw new UsageError(`activation gradients need fixed activation shapes, but layer "${name}" outputs [${shape}]`);
  }
  return shape.slice(1) as number[];
}

function endsInSoftmax(model: LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  const config = last.getConfig() as { activation?: string };
  return last.getClassName() === 'Softmax' || config.activation === 'softmax';
}
