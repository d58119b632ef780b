import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { PrunebenchError } from '../errors';
import './builtin-rules';
import { layerRuleFor, type WeightAxes } from './layer-rules';
import type { ChannelGraph, ChannelLayout, KeptChannels, LayerChannels } from './types';

/** From the layer's rule: which axes of a weight follow its input and output channels. */
function weightAxes(className: string, weightName: string, rank: number): WeightAxes {
  const suffix = weightName.slice(weightName.lastIndexOf('/') + 1).replace(/_\d+$/, '');
  return layerRuleFor(className)?.weightAxes?.(suffix, rank) ?? {};
}

function normalizeSelection(graph: ChannelGraph, selection: KeptChannels): Map<number, number[]> {
  const entries: Array<[number, readonly number[]]> =
    selection instanceof Map ? [...selection.entries()] : Object.entries(selection).map(([k, v]) => [Number(k), v]);
  const keep = new Map<number, number[]>();
  for (const [id, indices] of entries) {
    const group = graph.groups[id];
    if (!group) throw new PrunebenchError(`channel selection names group ${id}, but the graph has groups 0..${graph.groups.length - 1}`);
    if (!group.prunable && indices.length !== group.channels) {
      throw new PrunebenchError(`group ${id} cannot be pruned: ${group.reasons.join('; ')}`);
    }
    if (indices.length === 0) throw new PrunebenchError(`group ${id}: keep at least one channel`);
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i];
      if (!Number.isInteger(k) || k < 0 || k >= group.channels || (i > 0 && k <= indices[i - 1])) {
        throw new PrunebenchError(
          `group ${id}: keep-indices must be sorted, distinct integers in 0..${group.channels - 1} (got ${k} at position ${i})`,
        );
      }
    }
    keep.set(id, [...indices]);
  }
  return keep;
}

/** Flat indices of the kept channels of a layout, in the order the smaller model lays them out. */
function keptFlatIndices(layout: ChannelLayout, kept: (group: number) => number[] | undefined): number[] | null {
  if (layout.segments.every((s) => kept(s.group) === undefined)) return null;
  const indices: number[] = [];
  for (let p = 0; p < layout.spatial; p++) {
    for (const segment of layout.segments) {
      const channels = kept(segment.group);
      const base = p * layout.channels + segment.offset;
      if (channels === undefined) for (let k = 0; k < segment.size; k++) indices.push(base + k);
      else for (const k of channels) indices.push(base + k);
    }
  }
  return indices;
}

interface LayerConfigEntry {
  className: string;
  config: Record<string, unknown> & { name: string };
}

/**
 * Builds the physically smaller model that keeps, for every group in `keep`, only the listed
 * channels: producers get fewer `filters` / `units` in the model config, and every member's
 * weights (producer output axis, BatchNorm entries, depthwise channels, consumer input axis —
 * h × w rows per channel after a Flatten) are copied sliced. Groups not listed stay whole.
 * The original model is left as it is (dispose it when done); the new one is not compiled.
 * Refuses an unprunable group, and indices that are unsorted, repeated or out of range.
 */
export function applyKeptChannels(model: LayersModel, graph: ChannelGraph, keep: KeptChannels): LayersModel {
  const selection = normalizeSelection(graph, keep);
  const kept = (group: number) => selection.get(group);
  const channelsOf = new Map<string, LayerChannels>(graph.layers.map((entry) => [entry.layer, entry]));

  const config = JSON.parse(JSON.stringify(model.getConfig())) as { layers: LayerConfigEntry[] };
  for (const entry of config.layers) {
    const widthKey = layerRuleFor(entry.className)?.widthKey;
    if (!widthKey) continue;
    const output = channelsOf.get(entry.config.name)?.output;
    const channels = output && output.segments.length === 1 ? kept(output.segments[0].group) : undefined;
    if (channels) entry.config[widthKey] = channels.length;
  }
  const modelClass = model.constructor as unknown as {
    fromConfig(cls: unknown, config: unknown): LayersModel;
  };
  const pruned = modelClass.fromConfig(modelClass, config);

  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const channels = channelsOf.get(layer.name);
    const inputIndices = channels?.inputs[0] ? keptFlatIndices(channels.inputs[0], kept) : null;
    const outputIndices = channels ? keptFlatIndices(channels.output, kept) : null;
    const values = layer.getWeights();
    const sliced = tf.tidy(() =>
      values.map((value, i) => {
        const axes = weightAxes(layer.getClassName(), layer.weights[i].originalName, value.rank);
        let result: tf.Tensor = value;
        if (axes.input !== undefined && inputIndices) result = tf.gather(result, inputIndices, axes.input);
        if (axes.output !== undefined && outputIndices) result = tf.gather(result, outputIndices, axes.output);
        return result === value ? value.clone() : result;
      }),
    );
    pruned.getLayer(layer.name).setWeights(sliced);
    tf.dispose(sliced);
  }
  return pruned;
}
