import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import type { LayerVariable, LayersModel } from '@tensorflow/tfjs-layers';
import { cloneModel, sgdSettingsSchema, trainWithSgd, type SgdSettings, OPTIONS, UsageError, applyKeptChannels, buildChannelGraph, type GroupPruning, type JsonSchema, type PruneContext, type PruneResult, type Pruner, type PrunerRequirements, type PruningGroup } from '@prunebench/core';
import { producerKernel } from '../criteria/group-kernels';

export interface TaylorFoIterativeOptions extends Omit<SgdSettings, 'epochs'> {
  /** Fraction of the prunable channels removed in all (ranked globally). */
  ratio: number;
  /** N: channels removed at each pruning iteration. */
  perIteration: number;
  /** M: training mini-batches between two pruning iterations. */
  frequency: number;
  /** Momentum of the importance over pruning iterations, per channel. */
  momentum: number;
  /** The least channels a group keeps. */
  minChannels: number;
}

/** A gate multiplying one channel: where its importance is read, and which weights zero it. */
interface Gate {
  /** `scale · ∂L/∂scale + shift · ∂L/∂shift` is ∂L/∂gate for a gate of ones after them. */
  scale: LayerVariable;
  shift?: LayerVariable;
  /** Where the channel sits in those variables (last axis), and its stride (the variable's last dimension). */
  offset: number;
  width: number;
}

/**
 * Taylor-FO pruning as Molchanov et al. run it (CVPR 2019, "Importance Estimation for Neural
 * Network Pruning"; reference code NVlabs/Taylor_pruning, method 22 with its ImageNet config):
 * train, and every M mini-batches (`frequency`, 30) remove the N channels (`perIteration`, 100)
 * of least importance ranked globally over all prunable groups, until `ratio` of them is gone.
 * A channel's importance is the squared gradient of the batch-mean loss with respect to a gate
 * of ones after its BatchNorm, averaged over the M mini-batches, then averaged with momentum
 * 0.9 over the pruning iterations, per channel: I ← m·I + (1 − m)·i (the first iteration takes
 * i). The gate gradient comes from the training step's own gradients — for y = g(γ x̂ + β),
 * ∂L/∂g = Σ γ ∂L/∂γ + β ∂L/∂β (with no BatchNorm, Σ w ∂L/∂w + b ∂L/∂b over the filter) — so
 * reading it costs no extra pass. Removed channels are gated off (filters and BatchNorm entries
 * zero after every step) until the end, as the reference's gates, so a channel keeps its
 * identity, its index in the original, for the whole procedure; the network is narrowed once
 * at the end. The training is the pruner's metered cost; fine-tuning after it is the study's
 * retraining. SGD defaults are the reference's (lr 0.001, momentum 0.9, no weight decay).
 */
@injectable()
export class TaylorFoIterativePruner implements Pruner {
  static readonly id = 'taylor-fo-iterative';
  static readonly description = 'prune N channels every M training mini-batches by Taylor-FO with momentum, ranked globally (Molchanov et al. 2019)';
  static readonly optionsSchema: JsonSchema = {
    type: 'object',
    properties: {
      ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.5, description: 'fraction of the prunable channels removed in all' },
      perIteration: { type: 'integer', minimum: 1, default: 100, description: 'N, channels removed per pruning iteration' },
      frequency: { type: 'integer', minimum: 1, default: 30, description: 'M, training mini-batches between pruning iterations' },
      momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'importance momentum over iterations' },
      minChannels: { type: 'integer', minimum: 1, default: 1 },
      ...Object.fromEntries(Object.entries(sgdSettingsSchema({ epochs: 1, batchSize: 64, lr: 0.001, momentum: 0.9, nesterov: false, weightDecay: 0 })).filter(([key]) => key !== 'epochs')),
    },
    additionalProperties: false,
  };
  readonly requirements: PrunerRequirements = { structured: true, needsData: true, needsGradients: true, trainsItself: true };
  /** The importance each pruning iteration ranked (group id → per channel, NaN for channels removed before it), for reports and tests. */
  readonly importanceHistory: Array<Map<number, Float64Array>> = [];

  constructor(@inject(OPTIONS) private readonly options: TaylorFoIterativeOptions) {}

  async prune(model: LayersModel, context: PruneContext): Promise<PruneResult> {
    const { ratio, perIteration, frequency, minChannels } = this.options;
    const trained = await cloneModel(model);
    try {
      const graph = buildChannelGraph(trained);
      const groups = graph.groups.filter((g) => g.prunable && g.channels > minChannels);
      if (groups.length === 0) throw new UsageError(`pruner "taylor-fo-iterative": model "${model.name}" has no prunable group wider than ${minChannels} channels`);
      const gates = new Map(groups.map((g) => [g.id, gatesOf(trained, g)]));
      const alive = new Map(groups.map((g) => [g.id, new Uint8Array(g.channels).fill(1)]));
      const total = groups.reduce((n, g) => n + g.channels, 0);
      const target = Math.min(Math.floor(ratio * total), groups.reduce((n, g) => n + g.channels - minChannels, 0));
      let removed = 0;
      let averaged: Map<number, Float64Array> | undefined;
      let sums = new Map(groups.map((g) => [g.id, new Float64Array(g.channels)]));
      let batches = 0;
      // The step's gate weights and gradients, copied inside the trainer's tidy and read after the
      // step: onGradients cannot wait, and on webgpu a GPU tensor cannot be read synchronously in Node.
      let captured: Array<{ group: number; reads: GateReads[] }> = [];
      this.importanceHistory.length = 0;
      if (target > 0) {
        try {
          await trainWithSgd(trained, context, { ...this.options, epochs: Number.MAX_SAFE_INTEGER }, {
            onGradients: (grads) => {
              captured = groups.map((group) => ({ group: group.id, reads: captureGates(gates.get(group.id)!, grads) }));
              batches++;
            },
            afterStep: async () => {
              const step = captured;
              captured = [];
              try {
                for (const { group, reads } of step) await addGateImportance(sums.get(group)!, reads);
              } finally {
                step.forEach(({ reads }) => disposeReads(reads));
              }
              if (batches < frequency) {
                gateOff(trained, groups, alive);
                return false;
              }
              averaged = withMomentum(averaged, sums, batches, this.options.momentum);
              this.importanceHistory.push(new Map([...averaged].map(([id, v]) => [id, v.map((x, k) => (alive.get(id)![k] ? x : NaN))])));
              removed += removeLeast(averaged, alive, groups, Math.min(perIteration, target - removed), minChannels);
              gateOff(trained, groups, alive);
              sums = new Map(groups.map((g) => [g.id, new Float64Array(g.channels)]));
              batches = 0;
              return removed >= target;
            },
          }, 'pruner "taylor-fo-iterative"');
        } finally {
          captured.forEach(({ reads }) => disposeReads(reads));
        }
      }
      const keptChannels = new Map(groups.map((g) => [g.id, [...alive.get(g.id)!].flatMap((a, k) => (a ? [k] : []))]));
      const report: GroupPruning[] = graph.groups.filter((g) => g.prunable).map((g) => ({
        group: g.id,
        layers: g.producers,
        convIndices: g.convIndices,
        kept: keptChannels.get(g.id)?.length ?? g.channels,
        total: g.channels,
      }));
      return { model: applyKeptChannels(trained, graph, keptChannels), keptChannels, groups: report };
    } finally {
      trained.dispose();
    }
  }
}

/** The gates of a group: one per BatchNorm after it, else its producers' filters. */
function gatesOf(model: LayersModel, group: PruningGroup): Gate[] {
  const norms = group.members.filter((m) => m.role === 'batchnorm');
  const weight = (layer: string, suffix: RegExp) => model.getLayer(layer).weights.find((w) => suffix.test(w.originalName));
  if (norms.length) {
    return norms.flatMap((m) => {
      const gamma = weight(m.layer, /gamma$/);
      const beta = weight(m.layer, /beta$/);
      const scale = gamma ?? beta;
      if (!scale) return [];
      return [{ scale, ...(gamma && beta ? { shift: beta } : {}), offset: m.offset, width: m.channels }];
    });
  }
  return group.producers.map((p) => {
    const kernel = producerKernel(model, p);
    const bias = weight(p, /bias$/);
    return { scale: kernel, ...(bias ? { shift: bias } : {}), offset: 0, width: kernel.shape[kernel.shape.length - 1] as number };
  });
}

/** One gate's variables (scale, then shift) as copies of their values and loss gradients at a step. */
type GateReads = { gate: Gate; pairs: Array<{ w: tf.Tensor; g: tf.Tensor }> };

/** Copies, kept past the trainer's tidy, of each gate variable's value and gradient at this step. */
function captureGates(gates: Gate[], grads: tf.NamedTensorMap): GateReads[] {
  return gates.map((gate) => {
    const pairs: GateReads['pairs'] = [];
    for (const variable of [gate.scale, gate.shift]) {
      if (!variable) continue;
      const g = grads[(variable.read() as tf.Variable).name];
      if (!g) continue;
      pairs.push({ w: tf.keep(tf.clone(variable.read())), g: tf.keep(tf.clone(g)) });
    }
    return { gate, pairs };
  });
}

function disposeReads(reads: GateReads[]): void {
  for (const { pairs } of reads) tf.dispose(pairs.flatMap(({ w, g }) => [w, g]));
}

/** Adds (∂L/∂gate)² of every channel of one mini-batch, summed over the group's gates. */
async function addGateImportance(sum: Float64Array, reads: GateReads[]): Promise<void> {
  for (const { gate, pairs } of reads) {
    const gateGrad = new Float64Array(sum.length);
    for (const pair of pairs) {
      const w = await pair.w.data();
      const gv = await pair.g.data();
      for (let i = 0; i < w.length; i++) {
        const k = (i % gate.width) - gate.offset;
        if (k >= 0 && k < sum.length) gateGrad[k] += w[i] * gv[i];
      }
    }
    gateGrad.forEach((v, k) => (sum[k] += v * v));
  }
}

/** I ← m·I + (1 − m)·(sum / batches); the first iteration takes the batch average itself. */
export function withMomentum(previous: Map<number, Float64Array> | undefined, sums: Map<number, Float64Array>, batches: number, momentum: number): Map<number, Float64Array> {
  const out = new Map<number, Float64Array>();
  for (const [id, sum] of sums) {
    const fresh = sum.map((v) => v / batches);
    const old = previous?.get(id);
    out.set(id, old ? fresh.map((v, k) => momentum * old[k] + (1 - momentum) * v) : fresh);
  }
  return out;
}

/** Removes up to `count` live channels of least importance over all groups (ties to the lower group, then index), never below `minChannels` per group. */
function removeLeast(importance: Map<number, Float64Array>, alive: Map<number, Uint8Array>, groups: PruningGroup[], count: number, minChannels: number): number {
  const candidates: Array<{ id: number; k: number; v: number }> = [];
  for (const g of groups) importance.get(g.id)!.forEach((v, k) => alive.get(g.id)![k] && candidates.push({ id: g.id, k, v }));
  candidates.sort((a, b) => a.v - b.v || a.id - b.id || a.k - b.k);
  const left = new Map(groups.map((g) => [g.id, alive.get(g.id)!.reduce((n, a) => n + a, 0)]));
  let removed = 0;
  for (const c of candidates) {
    if (removed >= count) break;
    if (left.get(c.id)! <= minChannels) continue;
    alive.get(c.id)![c.k] = 0;
    left.set(c.id, left.get(c.id)! - 1);
    removed++;
  }
  return removed;
}

/** Zeroes the removed channels' producer filters, biases and BatchNorm entries (a gate of zero). */
function gateOff(model: LayersModel, groups: PruningGroup[], alive: Map<number, Uint8Array>): void {
  for (const group of groups) {
    const live = alive.get(group.id)!;
    if (live.every((a) => a === 1)) continue;
    const targets: Array<{ variable: LayerVariable; offset: number; width: number }> = [];
    for (const p of group.producers) {
      const layer = model.getLayer(p);
      for (const w of layer.weights) if (/(kernel|bias)$/.test(w.originalName) && !/depthwise/.test(w.originalName)) targets.push({ variable: w, offset: 0, width: w.shape[w.shape.length - 1] as number });
    }
    for (const m of group.members.filter((x) => x.role === 'batchnorm')) {
      for (const w of model.getLayer(m.layer).weights) if (/(gamma|beta)$/.test(w.originalName)) targets.push({ variable: w, offset: m.offset, width: m.channels });
    }
    for (const { variable, offset, width } of targets) {
      tf.tidy(() => {
        const mask = tf.tensor1d(Array.from({ length: width }, (_, c) => (c < offset || c >= offset + live.length || live[c - offset] ? 1 : 0)));
        variable.write(tf.mul(variable.read(), mask));
      });
    }
  }
}
