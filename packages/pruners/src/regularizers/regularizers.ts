import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import { topScoring, OPTIONS, UsageError, type Regularizer, type RegularizerContext } from '@prunebench/core';
import { l1FilterScores } from '../criteria/kernel-norms';
import { scoreProducerKernels } from '../criteria/group-kernels';
import { squaredFilterNorms } from './filter-norms';

const lambdaSchema = (value: number, what: string) => ({ type: 'number', minimum: 0, default: value, description: what });

/**
 * Network slimming's sparsity term (Liu et al., ICCV 2017, "Learning Efficient Convolutional
 * Networks through Network Slimming"): λ Σ |γ| over the scale of every BatchNorm layer (the
 * reference code adds λ·sign(γ) to γ's gradient, the same thing). Pair it with `bn-scale` and
 * the `global` plan for the paper's method.
 */
@injectable()
export class SlimmingRegularizer implements Regularizer {
  static readonly id = 'slimming';
  static readonly description = 'L1 on BatchNorm scales, λΣ|γ| (network slimming, Liu et al. 2017)';
  static readonly optionsSchema = { type: 'object', properties: { lambda: lambdaSchema(1e-4, 'λ (the paper: 1e-4 on CIFAR VGG, 1e-5 on ResNet/DenseNet)') }, additionalProperties: false };

  constructor(@inject(OPTIONS) private readonly options: { lambda: number }) {}

  prepare({ model }: RegularizerContext): void {
    if (!model.layers.some((l) => l.getClassName() === 'BatchNormalization' && l.weights.some((w) => /gamma$/.test(w.originalName)))) {
      throw new UsageError(`regularizer "slimming" penalises BatchNorm scales, and model "${model.name}" has no BatchNorm with a scale; use "group-lasso" or "growing-reg"`);
    }
  }

  penalty({ model }: RegularizerContext): tf.Scalar {
    return tf.tidy(() => {
      const terms = model.layers.flatMap((l) => l.weights.filter((w) => /gamma$/.test(w.originalName) && l.getClassName() === 'BatchNormalization').map((w) => tf.sum(tf.abs(w.read()))));
      return tf.mul(tf.addN(terms), this.options.lambda) as tf.Scalar;
    });
  }
}

/**
 * Group lasso on filters (Wen et al., NeurIPS 2016, "Learning Structured Sparsity in Deep Neural
 * Networks", as PruningBench's group-lasso regularizer): λ Σ_groups Σ_channels ‖filter‖₂ over every
 * prunable group of the channel graph, a filter being its producers' kernel column and bias
 * entry (summed over a residual group's producers). ‖·‖₂ = √(Σ w² + 1e-8): the ε keeps the
 * gradient finite at a zeroed filter.
 */
@injectable()
export class GroupLassoRegularizer implements Regularizer {
  static readonly id = 'group-lasso';
  static readonly description = 'group lasso on filter groups, λΣ‖filter‖₂ (Wen et al. 2016; PruningBench)';
  static readonly optionsSchema = { type: 'object', properties: { lambda: lambdaSchema(1e-4, 'λ') }, additionalProperties: false };

  constructor(@inject(OPTIONS) private readonly options: { lambda: number }) {}

  penalty({ model, graph }: RegularizerContext): tf.Scalar {
    return tf.tidy(() => {
      const norms = graph.groups.filter((g) => g.prunable).map((g) => tf.sum(tf.sqrt(tf.add(squaredFilterNorms(model, g), 1e-8))));
      if (norms.length === 0) return tf.scalar(0);
      return tf.mul(tf.addN(norms), this.options.lambda) as tf.Scalar;
    });
  }
}

export interface GrowingRegOptions {
  /** Δ: how much λ grows at each update. */
  delta: number;
  /** K: optimizer steps between two updates. */
  interval: number;
  /** λ stops growing here. */
  ceiling: number;
}

/**
 * Growing regularization, GReg-1 (Wang et al., ICLR 2021, "Neural Pruning via Growing
 * Regularization"; reference code MingSun-Tse/Regularization-Pruning): the filters the plan will
 * remove are chosen at the start by l1 norm (the lowest of each group), and only they get an L2
 * penalty ½ λ_t Σ ‖filter‖² whose λ grows by Δ every K steps (λ_t = min(ceiling, Δ(⌊t/K⌋ + 1)))
 * — the reference adds λ·w to their gradient — driving them to zero before they are removed.
 * Defaults are the reference's (Δ 1e-4, K 5, ceiling 1). Differs: training runs for the pruner's
 * `sparsityTraining.epochs`, not until λ reaches the ceiling and then a stabilisation phase, and
 * the pruned channels' BatchNorm scale and shift are not penalised (the reference's `bn_reg` does).
 */
@injectable()
export class GrowingRegRegularizer implements Regularizer {
  static readonly id = 'growing-reg';
  static readonly description = 'growing L2 penalty on the filters to prune, λ += Δ every K steps (GReg-1, Wang et al. 2021)';
  static readonly optionsSchema = {
    type: 'object',
    properties: {
      delta: { type: 'number', exclusiveMinimum: 0, default: 1e-4, description: 'Δ, the growth of λ per update' },
      interval: { type: 'integer', minimum: 1, default: 5, description: 'K, optimizer steps between updates' },
      ceiling: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'the largest λ' },
    },
    additionalProperties: false,
  };
  private masks = new Map<number, Float32Array>();

  constructor(@inject(OPTIONS) private readonly options: GrowingRegOptions) {}

  async prepare({ model, graph, keep }: RegularizerContext): Promise<void> {
    this.masks = new Map();
    for (const [id, count] of keep) {
      const group = graph.groups[id];
      if (count >= group.channels) continue;
      const kept = new Set(topScoring(await scoreProducerKernels(model, group, (k) => l1FilterScores(k.read())), count));
      this.masks.set(id, Float32Array.from({ length: group.channels }, (_, k) => (kept.has(k) ? 0 : 1)));
    }
  }

  /** λ at step t. */
  lambdaAt(step: number): number {
    const { delta, interval, ceiling } = this.options;
    return Math.min(ceiling, delta * (Math.floor(step / interval) + 1));
  }

  penalty({ model, graph }: RegularizerContext, step: number): tf.Scalar {
    return tf.tidy(() => {
      const terms = [...this.masks].map(([id, mask]) => tf.sum(tf.mul(squaredFilterNorms(model, graph.groups[id]), tf.tensor1d(mask))));
      if (terms.length === 0) return tf.scalar(0);
      return tf.mul(tf.addN(terms), 0.5 * this.lambdaAt(step)) as tf.Scalar;
    });
  }
}
