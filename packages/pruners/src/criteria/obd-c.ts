import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { CALIBRATION_OPTIONS, OPTIONS, type CalibrationOptions, type Criterion, type CriterionContext, type PruningGroup } from '@prunebench/core';
import { producerKernel } from './group-kernels';

export interface ObdCOptions extends CalibrationOptions {
  /** `sampled`: labels drawn from the model's own softmax (the Fisher, as the reference); `true`: the data's labels (the empirical Fisher). */
  labels: 'sampled' | 'true';
}

/** Added to every Fisher entry, as the reference does, so a weight with no gradient still counts its size. */
const FISHER_EPSILON = 1e-10;

/**
 * OBD-C, channel-level Optimal Brain Damage with a diagonal Fisher for the Hessian, as
 * Torch-Pruning's `OBDCImportance` computes it (the implementation PruningBench benchmarks;
 * EigenDamage's C-OBD baseline, Wang et al., ICML 2019): a channel's saliency is
 * Σ_{i ∈ its filter} w_i² (F_ii + ε), with F_ii = (1/B) Σ_n (∂ℓ_n/∂w_i)² summed over the
 * calibration examples n of B batches, ℓ_n the cross-entropy of example n alone on a label drawn
 * from the model's softmax (`labels: "sampled"`; `"true"` uses the data's labels, the empirical
 * Fisher). BatchNorm uses its moving statistics, so each example's gradient is its own. Over a
 * residual group's producers the saliencies are averaged (the reference's `mean` reduction).
 * Deliberately not done: the reference's division of each group's scores by their mean, which
 * would make a `global` plan compare ranks within groups rather than the estimated loss increase.
 */
@injectable()
export class ObdCCriterion implements Criterion {
  static readonly id = 'obd-c';
  static readonly description = 'second-order saliency Σ w² × diagonal Fisher per channel (OBD-C, as Torch-Pruning / PruningBench; EigenDamage baseline)';
  static readonly optionsSchema = {
    type: 'object',
    properties: {
      ...CALIBRATION_OPTIONS,
      labels: { enum: ['sampled', 'true'], default: 'sampled', description: 'Fisher labels: drawn from the model (sampled, the reference) or the data (true: empirical Fisher)' },
    },
    additionalProperties: false,
  };
  readonly requirements = { needsData: true, needsGradients: true };
  private readonly fisher = new Map<string, Float64Array>();
  private batches = 0;

  constructor(@inject(OPTIONS) private readonly options: ObdCOptions) {}

  async prepare(groups: readonly PruningGroup[], { model, helpers, ledger }: CriterionContext): Promise<void> {
    const producers = [...new Set(groups.flatMap((g) => g.producers))];
    const kernels = producers.map((name) => producerKernel(model, name));
    const variables = kernels.map((k) => k.read() as tf.Variable);
    const sums = variables.map((v) => new Float64Array(v.size));
    this.fisher.clear();
    this.batches = 0;
    for await (const batch of helpers.calibrationBatches(this.options)) {
      const n = batch.x.shape[0];
      // Every read is asynchronous: on webgpu a GPU tensor cannot be read synchronously in Node.
      const labels = this.options.labels === 'true' ? await trueLabels(batch.y) : await sampleLabels(model, batch.x, helpers.rng('obd-c', this.batches));
      const classes = batch.y.shape[1] as number;
      for (let e = 0; e < n; e++) {
        const grads = tf.tidy(() => {
          const x = tf.slice(batch.x, [e], [1]);
          const y = tf.oneHot(tf.tensor1d([labels[e]], 'int32'), classes);
          const { grads } = tf.variableGrads(() => exampleLoss(model, x, y), variables);
          return variables.map((v) => grads[v.name]);
        });
        try {
          for (let i = 0; i < grads.length; i++) {
            const values = await grads[i].data();
            const sum = sums[i];
            for (let j = 0; j < values.length; j++) sum[j] += values[j] * values[j];
          }
        } finally {
          tf.dispose(grads);
        }
      }
      // A backward pass per example; its forward passes are over the examples the calibration
      // batch already charged (the ledger counts examples, the harness's meter the compute).
      ledger.charge('extraBackwardSamples', n);
      this.batches++;
    }
    producers.forEach((name, i) => this.fisher.set(name, sums[i]));
  }

  async score(group: PruningGroup, { model }: CriterionContext): Promise<Float32Array> {
    const score = new Float64Array(group.channels);
    for (const producer of group.producers) {
      const weights = await producerKernel(model, producer).read().data();
      const fisher = this.fisher.get(producer)!;
      // The kernel's last axis is the output channel: entry j belongs to channel j mod C.
      for (let j = 0; j < weights.length; j++) score[j % group.channels] += weights[j] * weights[j] * (fisher[j] / this.batches + FISHER_EPSILON);
    }
    return Float32Array.from(score, (v) => v / group.producers.length);
  }
}

/** Cross-entropy of one example: on logits, or on the probabilities of a model that ends in softmax. */
function exampleLoss(model: LayersModel, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  const output = model.apply(x, { training: false }) as tf.Tensor;
  return (endsInSoftmax(model) ? tf.neg(tf.sum(tf.mul(y, tf.log(tf.add(output, 1e-7))))) : tf.losses.softmaxCrossEntropy(y, output)) as tf.Scalar;
}

/** The model outputs probabilities (a final softmax) rather than logits. */
function endsInSoftmax(model: LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  return last.getClassName() === 'Softmax' || (last.getConfig() as { activation?: string }).activation === 'softmax';
}

/** Each example's true class: the argmax of its one-hot row. */
async function trueLabels(y: tf.Tensor): Promise<Int32Array> {
  const labels = tf.argMax(y, 1);
  try {
    return (await labels.data()) as Int32Array;
  } finally {
    labels.dispose();
  }
}

/** One label per example drawn from the model's predictive distribution (inference mode), by inverse CDF on the run's stream. */
async function sampleLabels(model: LayersModel, x: tf.Tensor, rng: { next(): number }): Promise<Int32Array> {
  const probabilities = tf.tidy(() => {
    const output = model.apply(x, { training: false }) as tf.Tensor;
    return endsInSoftmax(model) ? output : tf.softmax(output);
  });
  const [n, classes] = probabilities.shape as [number, number];
  let p: Float32Array;
  try {
    p = (await probabilities.data()) as Float32Array;
  } finally {
    probabilities.dispose();
  }
  const labels = new Int32Array(n);
  for (let e = 0; e < n; e++) {
    const u = rng.next();
    let cumulative = 0;
    let label = classes - 1;
    for (let c = 0; c < classes; c++) {
      cumulative += p[e * classes + c];
      if (u < cumulative) {
        label = c;
        break;
      }
    }
    labels[e] = label;
  }
  return labels;
}
