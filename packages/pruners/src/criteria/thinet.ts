import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { CALIBRATION_OPTIONS, OPTIONS, UsageError, type CalibrationOptions, type Criterion, type CriterionContext, type GroupMember, type PruningGroup, type Rng } from '@prunebench/core';

export interface ThiNetOptions extends CalibrationOptions {
  /** Sampled (output unit, position) pairs per calibration example and consumer draw. */
  samplesPerExample: number;
}

/** A consumer layer of a group, read as a linear map of its input: what ThiNet reconstructs. */
export interface LinearConsumer {
  member: GroupMember;
  /** The layer whose output the consumer reads. */
  inputLayer: string;
  kernel: Float32Array;
  kernelShape: number[];
  conv?: { strides: [number, number]; padding: 'same' | 'valid' };
}

/**
 * ThiNet (Luo et al., ICCV 2017, "ThiNet: A Filter Level Pruning Method for Deep Neural Network
 * Compression", Algorithm 1): a layer's filters are chosen by how well the *next* layer's
 * outputs are reconstructed without them. On calibration data, sample outputs ŷ of the consumer
 * (a random unit at a random position, `samplesPerExample` per example) and split each into
 * per-channel contributions x̂_c (the consumer's kernel × that channel's input window, no bias),
 * so ŷ = Σ_c x̂_c. Greedily grow the removed set T, each time adding the channel c that minimises
 * Σ_samples (Σ_{j ∈ T ∪ {c}} x̂_j)². The order of removal is the score: a plan that removes r
 * channels removes the first r, exactly the greedy set of size r. Scores are (position + 1) / C,
 * so a `global` plan compares groups by the fraction of the order, not by their errors.
 * Deliberately not done: the paper's least-squares rescaling of the kept filters afterwards.
 */
@injectable()
export class ThiNetCriterion implements Criterion {
  static readonly id = 'thinet';
  static readonly description = "greedy channel selection by the next layer's reconstruction error on calibration data (ThiNet, Luo et al. 2017)";
  static readonly optionsSchema = {
    type: 'object',
    properties: {
      ...CALIBRATION_OPTIONS,
      samplesPerExample: { type: 'integer', minimum: 1, default: 10, description: 'sampled (unit, position) outputs of the next layer per example (the paper: 10)' },
    },
    additionalProperties: false,
  };
  readonly requirements = { needsData: true, needsGradients: false };
  private readonly scores = new Map<number, Float32Array>();

  constructor(@inject(OPTIONS) private readonly options: ThiNetOptions) {}

  async prepare(groups: readonly PruningGroup[], { model, helpers }: CriterionContext): Promise<void> {
    this.scores.clear();
    const consumers = new Map<number, LinearConsumer[]>();
    for (const g of groups) consumers.set(g.id, await linearConsumers(model, g));
    const inputLayers = [...new Set([...consumers.values()].flat().map((c) => c.inputLayer))];
    const samples = new Map(groups.map((g) => [g.id, [] as Float64Array[]]));
    const streams = new Map(groups.map((g) => [g.id, helpers.rng('thinet', g.id)]));
    for await (const batch of helpers.calibrationBatches(this.options)) {
      const maps = helpers.activations(model, batch.x, inputLayers);
      try {
        // Read asynchronously: on webgpu a GPU tensor cannot be read synchronously in Node.
        const inputs = new Map<string, { values: Float32Array; shape: number[] }>();
        for (const [layer, t] of maps) inputs.set(layer, { values: (await t.data()) as Float32Array, shape: t.shape });
        for (const group of groups) {
          const own = consumers.get(group.id)!;
          const rng = streams.get(group.id)!;
          for (let example = 0; example < batch.x.shape[0]; example++) {
            for (let s = 0; s < this.options.samplesPerExample; s++) {
              const consumer = own[Math.floor(rng.next() * own.length)];
              const input = inputs.get(consumer.inputLayer)!;
              samples.get(group.id)!.push(sampleContributions(consumer, group.channels, input.values, input.shape, example, rng));
            }
          }
        }
      } finally {
        tf.dispose([...maps.values()]);
      }
    }
    for (const group of groups) {
      const order = greedyRemovalOrder(samples.get(group.id)!, group.channels);
      const score = new Float32Array(group.channels);
      order.forEach((channel, position) => (score[channel] = (position + 1) / group.channels));
      this.scores.set(group.id, score);
    }
  }

  score(group: PruningGroup): Float32Array {
    const score = this.scores.get(group.id);
    if (!score) throw new UsageError(`criterion "thinet" was asked about group ${group.id}, which it was not prepared for`);
    return score;
  }
}

/**
 * ThiNet's greedy selection: channels in the order they join the removed set T, each the one
 * minimising Σ_s (Σ_{j ∈ T ∪ {c}} x_{s,j})² (ties to the lower index). `samples[s][c]` is
 * channel c's contribution to sampled output s.
 */
export function greedyRemovalOrder(samples: readonly Float64Array[], channels: number): number[] {
  const removed: number[] = [];
  const taken = new Uint8Array(channels);
  const partial = new Float64Array(samples.length);
  for (let step = 0; step < channels; step++) {
    let best = -1;
    let bestError = Infinity;
    for (let c = 0; c < channels; c++) {
      if (taken[c]) continue;
      let error = 0;
      for (let s = 0; s < samples.length; s++) {
        const v = partial[s] + samples[s][c];
        error += v * v;
      }
      if (error < bestError) {
        bestError = error;
        best = c;
      }
    }
    taken[best] = 1;
    removed.push(best);
    for (let s = 0; s < samples.length; s++) partial[s] += samples[s][best];
  }
  return removed;
}

/** The group's consumers, each a Conv2D (dilation 1, channels last) or a Dense layer. */
async function linearConsumers(model: LayersModel, group: PruningGroup): Promise<LinearConsumer[]> {
  const found: LinearConsumer[] = [];
  for (const member of group.members) {
    if (member.role !== 'consumer') continue;
    const layer = model.getLayer(member.layer);
    const config = layer.getConfig() as { strides?: number[]; padding?: string; dilationRate?: number | number[]; dataFormat?: string };
    const dilation = [config.dilationRate ?? 1].flat();
    const supported =
      member.className === 'Dense' ||
      (member.className === 'Conv2D' && dilation.every((d) => d === 1) && (config.dataFormat ?? 'channelsLast') === 'channelsLast' && (config.padding === 'same' || config.padding === 'valid'));
    if (!supported) {
      throw new UsageError(
        `criterion "thinet" reconstructs the next layer's outputs, and reads Conv2D (dilation 1, channels last) and Dense consumers; ` +
          `group ${group.id} (${group.producers.join(', ')}) is read by "${member.layer}" (${member.className}). Use another criterion (l1, fpgm) for it.`,
      );
    }
    const nodes = layer.inboundNodes;
    if (nodes.length !== 1 || nodes[0].inboundLayers.length !== 1) {
      throw new UsageError(`criterion "thinet": layer "${member.layer}" is called ${nodes.length} times or on several inputs; it needs one input to reconstruct`);
    }
    const kernelVariable = layer.weights.find((w) => /kernel$/.test(w.originalName))!;
    const kernel = kernelVariable.read();
    found.push({
      member,
      inputLayer: nodes[0].inboundLayers[0].name,
      kernel: (await kernel.data()) as Float32Array,
      kernelShape: kernel.shape,
      ...(member.className === 'Conv2D' ? { conv: { strides: [config.strides![0], config.strides![1]] as [number, number], padding: config.padding as 'same' | 'valid' } } : {}),
    });
  }
  if (found.length === 0) {
    throw new UsageError(`criterion "thinet" needs a layer after group ${group.id} (${group.producers.join(', ')}) to reconstruct, and it has none: leave it whole or use another criterion`);
  }
  return found;
}

/**
 * One sampled output of `consumer` (a random unit at a random position) for `example`, split
 * into the contributions of the group's channels: x̂_k = Σ_window W[.., offset + k, unit] · x[..].
 */
export function sampleContributions(consumer: LinearConsumer, channels: number, input: Float32Array, inputShape: readonly number[], example: number, rng: Rng): Float64Array {
  const { member, kernel, kernelShape } = consumer;
  const out = kernelShape[kernelShape.length - 1];
  const unit = Math.floor(rng.next() * out);
  const contributions = new Float64Array(channels);
  if (!consumer.conv) {
    // Dense: input [n, features]; channel k at p × channels + offset + k for each folded position p.
    const features = inputShape[1];
    for (let p = 0; p < member.spatial; p++) {
      for (let k = 0; k < channels; k++) {
        const i = p * member.channels + member.offset + k;
        contributions[k] += kernel[i * out + unit] * input[example * features + i];
      }
    }
    return contributions;
  }
  const [, height, width, depth] = inputShape;
  const [kh, kw] = kernelShape;
  const [sh, sw] = consumer.conv.strides;
  const same = consumer.conv.padding === 'same';
  const outH = same ? Math.ceil(height / sh) : Math.ceil((height - kh + 1) / sh);
  const outW = same ? Math.ceil(width / sw) : Math.ceil((width - kw + 1) / sw);
  // TensorFlow's 'same' padding: the odd pixel goes after.
  const padTop = same ? Math.floor(Math.max((outH - 1) * sh + kh - height, 0) / 2) : 0;
  const padLeft = same ? Math.floor(Math.max((outW - 1) * sw + kw - width, 0) / 2) : 0;
  const position = Math.floor(rng.next() * outH * outW);
  const oy = Math.floor(position / outW);
  const ox = position % outW;
  for (let dy = 0; dy < kh; dy++) {
    const y = oy * sh + dy - padTop;
    if (y < 0 || y >= height) continue;
    for (let dx = 0; dx < kw; dx++) {
      const x = ox * sw + dx - padLeft;
      if (x < 0 || x >= width) continue;
      const base = ((example * height + y) * width + x) * depth + member.offset;
      const w = ((dy * kw + dx) * depth + member.offset) * out + unit;
      for (let k = 0; k < channels; k++) contributions[k] += kernel[w + k * out] * input[base + k];
    }
  }
  return contributions;
}
