import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { PruningGroup } from '@prunebench/core';
import { matrixRank } from './matrix-rank';

/** Where a group's feature maps are read: a layer's output, and the group's first channel in it. */
export interface FeatureMapTap {
  layer: string;
  offset: number;
}

const ACTIVATIONS = new Set(['ReLU', 'Activation', 'LeakyReLU', 'ELU', 'PReLU', 'ThresholdedReLU']);

/**
 * The layer whose output HRank ranks for a group: the group's feature maps as the next layer
 * sees them. That is the output of the residual `Add` for a residual group (every merge of the
 * group), else of the group's BatchNorm, else of the producing conv — each followed through an
 * activation layer that reads only it (HRank ranks post-ReLU maps).
 */
export function featureMapTaps(model: tfl.LayersModel, group: PruningGroup): FeatureMapTap[] {
  const merges = group.members.filter((m) => m.role === 'merge');
  const norms = group.members.filter((m) => m.role === 'batchnorm');
  const members = merges.length ? merges : norms.length ? norms : group.members.filter((m) => m.role === 'producer');
  const taps = new Map<string, FeatureMapTap>();
  for (const m of members) {
    // A merge is listed once per input it reads the group on: one tap per layer and offset.
    const tap = { layer: followActivation(model, m.layer), offset: m.role === 'producer' ? 0 : m.offset };
    taps.set(`${tap.layer}@${tap.offset}`, tap);
  }
  return [...taps.values()];
}

/** The activation layer that is the only reader of `name`'s output, or `name` itself. */
function followActivation(model: tfl.LayersModel, name: string): string {
  const inModel = new Set(model.layers.map((l) => l.name));
  const readers = model.getLayer(name).outboundNodes.map((node) => node.outboundLayer).filter((l) => inModel.has(l.name));
  if (readers.length === 1 && ACTIVATIONS.has(readers[0].getClassName()) && readers[0].inboundNodes.length === 1) return readers[0].name;
  return name;
}

/**
 * Sums, per channel of each tapped layer's output, the matrix rank of every example's feature
 * map (an h × w matrix for a 2-D conv; a column for 1-D; a 1 × 1 "map" for dense units).
 * `batches` yields input batches; returns the sums and the number of examples seen.
 */
export async function sumFeatureMapRanks(
  model: tfl.LayersModel,
  layers: string[],
  batches: AsyncIterable<tf.Tensor>,
  tolerance?: number,
): Promise<{ sums: Map<string, Float64Array>; examples: number }> {
  // A model over the same layers (and weights) that outputs the tapped activations.
  const taps = tfl.model({ inputs: model.inputs, outputs: layers.map((name) => model.getLayer(name).output as tfl.SymbolicTensor) });
  const sums = new Map<string, Float64Array>();
  let examples = 0;
  for await (const x of batches) {
    const outputs = [taps.predict(x)].flat() as tf.Tensor[];
    try {
      for (let i = 0; i < layers.length; i++) {
        const [n, ...rest] = outputs[i].shape;
        const channels = rest.length ? rest[rest.length - 1] : 1;
        const spatial = rest.slice(0, -1);
        const cols = spatial.length ? spatial[spatial.length - 1] : 1;
        const rows = spatial.slice(0, -1).reduce((a, b) => a * b, 1);
        const values = await outputs[i].data();
        const sum = sums.get(layers[i]) ?? new Float64Array(channels);
        const perExample = rows * cols * channels;
        for (let e = 0; e < n; e++) {
          for (let c = 0; c < channels; c++) {
            sum[c] += matrixRank(values, rows, cols, { stride: channels, offset: e * perExample + c, tolerance });
          }
        }
        sums.set(layers[i], sum);
      }
      examples += x.shape[0];
    } finally {
      tf.dispose(outputs);
    }
  }
  return { sums, examples };
}
