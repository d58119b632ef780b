import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ActivationTap, PruningGroup } from '@prunebench/core';
import { matrixRank } from './matrix-rank';

const ACTIVATIONS = new Set(['ReLU', 'Activation', 'LeakyReLU', 'ELU', 'PReLU', 'ThresholdedReLU']);

/**
 * Where HRank reads a group's feature maps: as the next layer sees them. That is the output of
 * the residual `Add` for a residual group (every merge of the group), else of the group's
 * BatchNorm, else of the producing conv — each followed through an activation layer that reads
 * only it (HRank ranks post-ReLU maps).
 */
export function featureMapTaps(model: LayersModel, group: PruningGroup): ActivationTap[] {
  const merges = group.members.filter((m) => m.role === 'merge');
  const norms = group.members.filter((m) => m.role === 'batchnorm');
  const members = merges.length ? merges : norms.length ? norms : group.members.filter((m) => m.role === 'producer');
  const taps = new Map<string, ActivationTap>();
  for (const m of members) {
    // A merge is listed once per input it reads the group on: one tap per layer and offset.
    const tap = { layer: followActivation(model, m.layer), offset: m.role === 'producer' ? 0 : m.offset };
    taps.set(`${tap.layer}@${tap.offset}`, tap);
  }
  return [...taps.values()];
}

/** The activation layer that is the only reader of `name`'s output, or `name` itself. */
function followActivation(model: LayersModel, name: string): string {
  const inModel = new Set(model.layers.map((l) => l.name));
  const readers = model.getLayer(name).outboundNodes.map((node) => node.outboundLayer).filter((l) => inModel.has(l.name));
  if (readers.length === 1 && ACTIVATIONS.has(readers[0].getClassName()) && readers[0].inboundNodes.length === 1) return readers[0].name;
  return name;
}

/**
 * Adds, per channel of a channels-last batch of feature maps ([n, ...spatial, channels]), the
 * matrix rank of every example's map (h × w for a 2-D conv; a column for 1-D; 1 × 1 for dense).
 */
export function addFeatureMapRanks(sum: Float64Array, values: ArrayLike<number>, shape: readonly number[], tolerance?: number): void {
  const [n, ...rest] = shape;
  const channels = rest.length ? rest[rest.length - 1] : 1;
  const spatial = rest.slice(0, -1);
  const cols = spatial.length ? spatial[spatial.length - 1] : 1;
  const rows = spatial.slice(0, -1).reduce((a, b) => a * b, 1);
  const perExample = rows * cols * channels;
  for (let e = 0; e < n; e++) {
    for (let c = 0; c < channels; c++) sum[c] += matrixRank(values, rows, cols, { stride: channels, offset: e * perExample + c, tolerance });
  }
}
