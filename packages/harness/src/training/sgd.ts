import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { StepHyperparameters } from '@prunebench/core';

/**
 * Which trainable variables get weight decay. `all` (the default) matches PyTorch's SGD given
 * `model.parameters()`, as the reference code of the study does: conv/dense kernels, biases
 * and BatchNorm gamma/beta. `kernels` decays only conv/dense kernels (variables named
 * `.../kernel`, `.../depthwise_kernel`, ...). A function decides per variable.
 */
export type WeightDecayFilter = 'all' | 'kernels' | ((variable: LayerVariable) => boolean);

export interface SgdOptions {
  /** Coupled (L2) weight decay: g += weightDecay * w before momentum. Default 0. */
  weightDecay?: number;
  weightDecayOn?: WeightDecayFilter;
  /** Nesterov momentum: w -= lr * (g + mu * v). Default false. */
  nesterov?: boolean;
}

/** The optimizer's state, as plain arrays in the order of the variables (for checkpoints). */
export interface SgdState {
  /** Optimizer steps taken so far. */
  step: number;
  /** One momentum buffer per variable, by the variable's name at save time. */
  buffers: Array<{ name: string; shape: number[]; values: Float32Array | null }>;
}

function decays(variable: LayerVariable, filter: WeightDecayFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'kernels') return /kernel$/.test(variable.originalName ?? variable.name);
  return filter(variable);
}

/**
 * SGD with momentum and coupled weight decay, exactly PyTorch's `torch.optim.SGD` without
 * dampening: g += wd * w; v = mu * v + g (v = g at the first step); w -= lr * v, or with
 * Nesterov w -= lr * (g + mu * v). The learning rate and momentum are given for every step.
 */
export class SgdOptimizer {
  private readonly buffers = new Map<string, tf.Tensor>();
  private readonly decayed: Set<string>;
  private steps = 0;

  constructor(
    /** The variables it updates (a model's `trainableWeights`). */
    readonly variables: LayerVariable[],
    readonly options: SgdOptions = {},
  ) {
    const filter = options.weightDecayOn ?? 'all';
    this.decayed = new Set(variables.filter((v) => decays(v, filter)).map((v) => v.name));
  }

  /** Optimizer steps taken so far. */
  get step(): number {
    return this.steps;
  }

  /** Whether `variable` gets weight decay under this optimizer's filter. */
  decays(variable: LayerVariable): boolean {
    return this.decayed.has(variable.name);
  }

  /**
   * One update. `gradients` is keyed by variable name (what `tf.variableGrads` returns); a
   * variable without a gradient is skipped, as PyTorch skips parameters whose grad is None.
   * With momentum 0 the buffers are left as they are (PyTorch does not touch them either).
   * The caller keeps ownership of `gradients`.
   */
  apply(gradients: tf.NamedTensorMap, { lr, momentum }: StepHyperparameters): void {
    const weightDecay = this.options.weightDecay ?? 0;
    const nesterov = this.options.nesterov ?? false;
    tf.tidy(() => {
      const lrT = tf.scalar(lr);
      const muT = tf.scalar(momentum);
      const wdT = tf.scalar(weightDecay);
      for (const variable of this.variables) {
        const gradient = gradients[variable.name];
        if (!gradient) continue;
        const w = variable.read();
        const g = weightDecay !== 0 && this.decayed.has(variable.name) ? tf.add(gradient, tf.mul(wdT, w)) : gradient;
        let update = g;
        if (momentum !== 0) {
          const previous = this.buffers.get(variable.name);
          const v = previous ? tf.add(tf.mul(muT, previous), g) : g.clone();
          this.buffers.set(variable.name, tf.keep(v));
          previous?.dispose();
          update = nesterov ? tf.add(g, tf.mul(muT, v)) : v;
        }
        variable.write(tf.sub(w, tf.mul(lrT, update)));
      }
    });
    this.steps += 1;
  }

  /** A copy of the state (momentum buffers read to CPU memory, asynchronously: webgpu cannot read them synchronously in Node). */
  async getState(): Promise<SgdState> {
    const step = this.steps;
    const buffers: SgdState['buffers'] = [];
    for (const v of this.variables) {
      const buffer = this.buffers.get(v.name);
      buffers.push({ name: v.name, shape: v.shape as number[], values: buffer ? ((await buffer.data()) as Float32Array).slice() : null });
    }
    return { step, buffers };
  }

  /** Restores a state saved from an optimizer over the same variables, in the same order. */
  setState(state: SgdState): void {
    if (state.buffers.length !== this.variables.length) {
      throw new Error(`optimizer state has ${state.buffers.length} buffers, the model has ${this.variables.length} trainable variables`);
    }
    this.disposeBuffers();
    state.buffers.forEach((saved, i) => {
      const variable = this.variables[i];
      if (saved.shape.join('x') !== (variable.shape as number[]).join('x')) {
        throw new Error(`optimizer state for "${saved.name}" has shape [${saved.shape}], variable "${variable.name}" has [${variable.shape}]`);
      }
      if (saved.values) this.buffers.set(variable.name, tf.tensor(saved.values, saved.shape, 'float32'));
    });
    this.steps = state.step;
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    this.disposeBuffers();
  }

  private disposeBuffers(): void {
    for (const buffer of this.buffers.values()) buffer.dispose();
    this.buffers.clear();
  }
}
