import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

interface LayerEntry {
  name: string;
  className: string;
  config: Record<string, unknown> & { name: string };
  inboundNodes: Array<Array<[string, number, number, Record<string, unknown>]>>;
}

interface ModelConfig {
  layers: LayerEntry[];
  outputLayers: Array<[string, number, number]>;
}

/** Layers whose output a following BatchNorm can be folded into (per output channel: kernel's last axis, bias). */
const FOLDABLE = new Set(['Conv2D', 'Dense']);

export interface FoldedModel {
  /** The inference model: the original when nothing was folded (then do not dispose it separately). */
  model: LayersModel;
  /** BatchNorm layers folded into their producer, as [producer, batchNorm] layer names. */
  folded: Array<[string, string]>;
  /** Disposes the folded copy (a no-op when `model` is the original). */
  dispose(): void;
}

/** Names of the layers reading each layer's output (one entry per read), plus model outputs. */
function consumers(config: ModelConfig): Map<string, number> {
  const count = new Map<string, number>();
  const add = (name: string) => count.set(name, (count.get(name) ?? 0) + 1);
  for (const entry of config.layers) for (const node of entry.inboundNodes) for (const [source] of node) add(source);
  for (const [name] of config.outputLayers) add(name);
  return count;
}

function foldable(bn: LayerEntry, byName: Map<string, LayerEntry>, reads: Map<string, number>): LayerEntry | null {
  if (bn.className !== 'BatchNormalization' || bn.inboundNodes.length !== 1 || bn.inboundNodes[0].length !== 1) return null;
  const [sourceName, nodeIndex, tensorIndex] = bn.inboundNodes[0][0];
  const source = byName.get(sourceName);
  if (!source || !FOLDABLE.has(source.className) || nodeIndex !== 0 || tensorIndex !== 0) return null;
  if (source.inboundNodes.length !== 1 || reads.get(sourceName) !== 1) return null;
  const activation = source.config.activation;
  if (activation !== undefined && activation !== 'linear') return null;
  if (source.className === 'Conv2D' && source.config.dataFormat === 'channelsFirst') return null;
  const axis = bn.config.axis as number | number[];
  const rank = source.className === 'Dense' ? 2 : 4;
  return axis === -1 || axis === rank - 1 ? source : null;
}

function weightsByName(layer: { weights: Array<{ originalName: string }>; getWeights(): tf.Tensor[] }): Map<string, tf.Tensor> {
  const values = layer.getWeights();
  return new Map(layer.weights.map((w, i) => [w.originalName.slice(w.originalName.lastIndexOf('/') + 1), values[i]]));
}

/**
 * kernel' = kernel * s and bias' = (bias - movingMean) * s + beta, s = gamma / sqrt(movingVariance
 * + epsilon), per output channel. Computed by the backend (float32), not read back: webgpu
 * cannot read a tensor synchronously in Node, and the weights may live on a GPU.
 */
function foldedWeights(producer: LayersModel['layers'][number], bn: LayersModel['layers'][number], epsilon: number): [tf.Tensor, tf.Tensor] {
  const p = weightsByName(producer);
  const b = weightsByName(bn);
  const kernel = p.get('kernel')!;
  const channels = kernel.shape[kernel.shape.length - 1];
  const or = (t: tf.Tensor | undefined, fill: number) => t ?? tf.fill([channels], fill);
  return tf.tidy(() => {
    const scale = tf.div(or(b.get('gamma'), 1), tf.sqrt(tf.add(or(b.get('moving_variance'), 1), epsilon)));
    const foldedBias = tf.add(tf.mul(tf.sub(or(p.get('bias'), 0), or(b.get('moving_mean'), 0)), scale), or(b.get('beta'), 0));
    return [tf.mul(kernel, scale), foldedBias];
  });
}

/**
 * An inference copy of `model` with every BatchNorm that directly follows a Conv2D or Dense
 * (without activation, read by nothing else) folded into it: the producer's kernel and bias
 * absorb BN's moving statistics, gamma and beta, and the BN layer is gone, so inference runs
 * one kernel fewer per BN layer (the bias is fused into the conv). Outputs equal the original's
 * inference-mode outputs up to float32 rounding (~1e-6 relative). Only for inference: the copy
 * has no BatchNorm to train. The original is left untouched.
 */
export function foldBatchNorm(model: LayersModel): FoldedModel {
  const config = JSON.parse(JSON.stringify(model.getConfig())) as ModelConfig;
  const byName = new Map(config.layers.map((entry) => [entry.name, entry]));
  const reads = consumers(config);
  const folded: Array<[string, string]> = [];
  for (const entry of config.layers) {
    const source = foldable(entry, byName, reads);
    if (source) folded.push([source.name, entry.name]);
  }
  if (folded.length === 0) return { model, folded, dispose: () => undefined };
  const renamed = new Map(folded.map(([producer, bn]) => [bn, producer]));
  config.layers = config.layers.filter((entry) => !renamed.has(entry.name));
  for (const entry of config.layers) {
    for (const node of entry.inboundNodes) for (const input of node) input[0] = renamed.get(input[0]) ?? input[0];
  }
  for (const output of config.outputLayers) output[0] = renamed.get(output[0]) ?? output[0];
  for (const [producer] of folded) byName.get(producer)!.config.useBias = true;

  const modelClass = model.constructor as unknown as { fromConfig(cls: unknown, config: unknown): LayersModel };
  const copy = modelClass.fromConfig(modelClass, config);
  const foldedInto = new Map(folded);
  for (const layer of copy.layers) {
    if (layer.weights.length === 0) continue;
    const original = model.getLayer(layer.name);
    const bnName = foldedInto.get(layer.name);
    const values = bnName
      ? foldedWeights(original, model.getLayer(bnName), byName.get(bnName)!.config.epsilon as number)
      : original.getWeights().map((t) => t.clone());
    layer.setWeights(values);
    tf.dispose(values);
  }
  return { model: copy, folded, dispose: () => copy.dispose() };
}
