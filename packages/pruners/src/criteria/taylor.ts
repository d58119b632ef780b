import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  OPTIONS,
  REGISTRY,
  UsageError,
  type ChannelGraph,
  type PruneContext,
  type PruningGroup,
  type Registry,
} from '@prunebench/core';
import { tappedForward } from '../util/tapped-forward';
import { StructuredPruner, structuredOptionsSchema, type StructuredPrunerOptions } from './structured-pruner';

export interface TaylorOptions extends StructuredPrunerOptions {
  /** Calibration batches drawn from the train split. */
  batches: number;
  batchSize: number;
}

/**
 * First-order Taylor (Molchanov et al. 2017): a channel's importance is
 * |Σ_spatial a · ∂L/∂a| of its activation `a` (after its BatchNorm when it has one, else the
 * producer's output), per example, averaged over calibration examples from the train split.
 * Every calibration example is charged to the ledger as one extra forward and one extra
 * backward pass.
 */
@injectable()
export class TaylorPruner extends StructuredPruner {
  static readonly id = 'taylor';
  static readonly description = 'structured: first-order Taylor |activation × gradient| on calibration batches (Molchanov et al. 2017)';
  static readonly optionsSchema = structuredOptionsSchema({
    batches: { type: 'integer', minimum: 1, default: 4, description: 'calibration batches' },
    batchSize: { type: 'integer', minimum: 1, default: 32, description: 'examples per calibration batch' },
  });
  readonly requirements = { structured: true, needsData: true, needsGradients: true, trainsItself: false };

  constructor(@inject(OPTIONS) private readonly options: TaylorOptions, @inject(REGISTRY, { isOptional: true }) registry?: Registry) {
    super(options, registry);
  }

  protected async scoreGroups(model: LayersModel, _graph: ChannelGraph, groups: PruningGroup[], context: PruneContext) {
    if (!context.dataset) {
      throw new UsageError('pruner "taylor" needs calibration data: pass the train split as context.dataset');
    }
    const { batches = 4, batchSize = 32 } = this.options;
    // Where each group's activation is read: its BatchNorms, else its producers.
    const taps = new Map<number, string[]>();
    for (const group of groups) {
      const norms = group.members.filter((m) => m.role === 'batchnorm').map((m) => m.layer);
      taps.set(group.id, norms.length ? norms : group.producers);
    }
    const tapLayers = [...new Set([...taps.values()].flat())];
    const totals = new Map<string, Float32Array>();
    let examples = 0;
    const softmaxOutput = endsInSoftmax(model);
    await context.dataset.load();
    const stream = context.dataset.batches('train', { batchSize, seed: context.seed, epoch: 0, shuffle: true, augment: false });
    let batchIndex = 0;
    for await (const batch of stream) {
      if (batchIndex >= batches) {
        tf.dispose([batch.x, batch.y]);
        break;
      }
      const n = batch.x.shape[0];
      const seen = new Map<string, tf.Tensor>();
      const contributions = tf.tidy(() => {
        // Full-shape offsets: a broadcast one would sum the gradient over examples and positions.
        const zeros = tapLayers.map((name) => tf.zeros([n, ...activationShape(model, name)]));
        const loss = (...offsets: tf.Tensor[]) => {
          const output = tappedForward(model, batch.x, new Map(tapLayers.map((name, i) => [name, offsets[i]])), seen);
          return (softmaxOutput
            ? tf.neg(tf.sum(tf.mul(batch.y, tf.log(tf.add(output, 1e-7)))))
            : tf.losses.softmaxCrossEntropy(batch.y, output, undefined, undefined, tf.Reduction.SUM)) as tf.Scalar;
        };
        // Summed loss: each example's gradient is its own ∂L_n/∂a, not divided by the batch size.
        const grads = tf.grads(loss)(zeros);
        return tapLayers.map((name, i) => {
          const product = tf.mul(seen.get(name)!, grads[i]);
          const spatial = Array.from({ length: product.rank - 2 }, (_, a) => a + 1);
          const perExample = spatial.length ? tf.sum(product, spatial) : product;
          return tf.sum(tf.abs(perExample), 0);
        });
      });
      // The kept activations were only needed inside the tidy above.
      tf.dispose([...seen.values()]);
      tapLayers.forEach((name, i) => {
        const values = contributions[i].dataSync();
        const total = totals.get(name) ?? new Float32Array(values.length);
        values.forEach((v, k) => (total[k] += v));
        totals.set(name, total);
      });
      tf.dispose(contributions);
      tf.dispose([batch.x, batch.y]);
      context.ledger.charge('extraForwardSamples', n);
      context.ledger.charge('extraBackwardSamples', n);
      examples += n;
      batchIndex++;
    }
    if (examples === 0) throw new UsageError('pruner "taylor": the train split gave no calibration batches');
    const scores = new Map<number, Float32Array>();
    for (const group of groups) {
      const score = new Float32Array(group.channels);
      for (const name of taps.get(group.id)!) {
        const member = group.members.find((m) => m.layer === name);
        // A producer's output starts at channel 0; a BatchNorm may sit after a concat (offset).
        const offset = member && member.role !== 'producer' ? member.offset : 0;
        const total = totals.get(name)!;
        for (let k = 0; k < group.channels; k++) score[k] += total[offset + k] / examples;
      }
      scores.set(group.id, score);
    }
    return scores;
  }
}

/** A layer's output shape without the batch dimension. */
function activationShape(model: LayersModel, name: string): number[] {
  const shape = model.getLayer(name).outputShape as Array<number | null>;
  if (shape.slice(1).some((d) => d === null)) {
    throw new UsageError(`pruner "taylor" needs fixed activation shapes, but layer "${name}" outputs [${shape}]`);
  }
  return shape.slice(1) as number[];
}

function endsInSoftmax(model: LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  const config = last.getConfig() as { activation?: string };
  return last.getClassName() === 'Softmax' || config.activation === 'softmax';
}
