import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ChannelGraph, KeptChannels } from './types';

/**
 * Makes `model` (in place) compute what `applyKeptChannels(model, graph, keep)` computes:
 * every consumer's input weights of the channels not kept are zeroed, so the dropped channels
 * (their BatchNorm shift included, and their h × w rows after a Flatten) contribute nothing.
 * The reference a pruned model is checked against.
 */
export function zeroDroppedChannels(model: LayersModel, graph: ChannelGraph, keep: KeptChannels): void {
  const entries: Array<readonly [number, readonly number[]]> =
    keep instanceof Map ? [...keep.entries()] : Object.entries(keep).map(([id, kept]) => [Number(id), kept as readonly number[]] as const);
  for (const [id, kept] of entries) {
    const group = graph.groups[id];
    const keptSet = new Set(kept);
    for (const member of group.members.filter((m) => m.role === 'consumer')) {
      const layer = model.getLayer(member.layer);
      const [kernel, ...rest] = layer.getWeights();
      const axis = kernel.rank - 2;
      const mask = new Float32Array(kernel.shape[axis]).fill(1);
      for (let p = 0; p < member.spatial; p++) {
        for (let k = 0; k < group.channels; k++) if (!keptSet.has(k)) mask[p * member.channels + member.offset + k] = 0;
      }
      const shape = kernel.shape.map((d, i) => (i === axis ? d : 1));
      const masked = tf.tidy(() => tf.mul(kernel, tf.tensor(mask, shape)));
      layer.setWeights([masked, ...rest]);
      masked.dispose();
    }
  }
}
