import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  CHANNEL_ZERO_PAD_CLASS,
  CONV_CLASSES,
  MERGE_CLASSES,
  PASSTHROUGH_CLASSES,
  PRODUCER_CLASSES,
  isChannelsFirst,
  isLastAxis,
} from './layer-kinds';
import { assignResidualRoles } from './residual-roles';
import type {
  ChannelGraph,
  ChannelLayout,
  ConvInfo,
  GroupMember,
  GroupMemberRole,
  LayerChannels,
  PruningGroup,
} from './types';

/** The slice of a tfjs layer the graph reads (public fields of `Layer` that its typings hide). */
export interface TopologyLayer {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  outputShape: unknown;
  weights: unknown[];
  inboundNodes: Array<{ inboundLayers: TopologyLayer[]; nodeIndices: number[]; tensorIndices: number[] }>;
  /** Present on nested models. */
  layers?: unknown;
}

/**
 * The layers of a model in order, as the graph reads them. A `Sequential` model does not list
 * its `InputLayer` in `layers`; it is put first here, so its channels are traced too.
 */
export function topologyLayers(model: LayersModel): TopologyLayer[] {
  const layers = model.layers as unknown as TopologyLayer[];
  const listed = new Set(layers.map((layer) => layer.name));
  const hiddenInputs = new Map<string, TopologyLayer>();
  for (const layer of layers) {
    for (const node of layer.inboundNodes) {
      for (const inbound of node.inboundLayers) {
        if (!listed.has(inbound.name) && inbound.getClassName() === 'InputLayer') hiddenInputs.set(inbound.name, inbound);
      }
    }
  }
  return [...hiddenInputs.values(), ...layers];
}

/** Shape without the batch dimension; null entries stay null. */
function outputShapeOf(layer: TopologyLayer): Array<number | null> | null {
  const shape = layer.outputShape as Array<number | null> | Array<Array<number | null>>;
  if (!Array.isArray(shape) || shape.length === 0 || Array.isArray(shape[0])) return null;
  return (shape as Array<number | null>).slice(1);
}

interface RawGroup {
  size: number;
  members: GroupMember[];
  producers: string[];
  reasons: string[];
  merged: boolean;
}

/** Union-find over raw groups, each made where channels come into being. */
class GroupSet {
  readonly raw: RawGroup[] = [];
  private readonly parent: number[] = [];

  create(size: number, reason?: string): number {
    this.raw.push({ size, members: [], producers: [], reasons: reason ? [reason] : [], merged: false });
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
  }

  find(id: number): number {
    while (this.parent[id] !== id) {
      this.parent[id] = this.parent[this.parent[id]];
      id = this.parent[id];
    }
    return id;
  }

  get(id: number): RawGroup {
    return this.raw[this.find(id)];
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    const target = this.raw[keep];
    const source = this.raw[drop];
    target.members.push(...source.members);
    target.producers.push(...source.producers);
    target.reasons.push(...source.reasons);
    target.merged = true;
    this.parent[drop] = keep;
  }

  refuse(id: number, reason: string): void {
    const group = this.get(id);
    if (!group.reasons.includes(reason)) group.reasons.push(reason);
  }
}

function singleGroupLayout(group: number, channels: number): ChannelLayout {
  return { channels, spatial: 1, segments: [{ group, offset: 0, size: channels }] };
}

function sameStructure(a: ChannelLayout, b: ChannelLayout): boolean {
  return (
    a.channels === b.channels &&
    a.spatial === b.spatial &&
    a.segments.length === b.segments.length &&
    a.segments.every((s, i) => s.offset === b.segments[i].offset && s.size === b.segments[i].size)
  );
}

/**
 * Computes the pruning groups of a model from its topology alone (`model.layers`, their
 * inbound nodes and configs), so it works on any functional or sequential `LayersModel`.
 *
 * Groups that cannot be pruned safely are kept with `prunable: false` and the reasons: the
 * network input, channels that reach a model output, channels merged with zero-padded channels
 * of a parameter-free shortcut, and anything that flows through a layer whose channel mapping
 * is not known (unknown class, shared layer, nested model, channels-first data).
 */
export function buildChannelGraph(model: LayersModel): ChannelGraph {
  const groups = new GroupSet();
  const layouts = new Map<string, ChannelLayout>();
  const layerChannels: LayerChannels[] = [];
  const convs: Array<Omit<ConvInfo, 'outputGroup' | 'inputGroups'> & { output: ChannelLayout; inputs?: ChannelLayout }> = [];

  const addMember = (layout: ChannelLayout, layer: TopologyLayer, role: GroupMemberRole): void => {
    for (const segment of layout.segments) {
      groups.get(segment.group).members.push({
        layer: layer.name,
        className: layer.getClassName(),
        role,
        offset: segment.offset,
        channels: layout.channels,
        spatial: layout.spatial,
      });
    }
  };

  const opaqueOutput = (layer: TopologyLayer, inputs: ChannelLayout[], why: string): ChannelLayout => {
    for (const input of inputs) {
      addMember(input, layer, 'unknown');
      for (const segment of input.segments) {
        groups.refuse(segment.group, `flows into layer "${layer.name}" (${layer.getClassName()}): ${why}`);
      }
    }
    const shape = outputShapeOf(layer);
    const channels = shape && typeof shape[shape.length - 1] === 'number' ? (shape[shape.length - 1] as number) : 0;
    const group = groups.create(
      channels,
      `comes out of layer "${layer.name}" (${layer.getClassName()}): ${why}`,
    );
    const layout = singleGroupLayout(group, channels);
    addMember(layout, layer, 'unknown');
    return layout;
  };

  for (const layer of topologyLayers(model)) {
    const className = layer.getClassName();
    const config = layer.getConfig();
    const shape = outputShapeOf(layer);
    const nodes = layer.inboundNodes;
    const inputs: ChannelLayout[] = [];
    let output: ChannelLayout;

    if (className === 'InputLayer') {
      const channels = (shape?.[shape.length - 1] as number) ?? 0;
      const group = groups.create(channels, 'the network input');
      output = singleGroupLayout(group, channels);
      layouts.set(layer.name, output);
      layerChannels.push({ layer: layer.name, className, inputs, output });
      continue;
    }

    // A shared layer (several nodes) is not traced, but every input of every call is refused.
    for (const node of nodes) {
      for (let i = 0; i < node.inboundLayers.length; i++) {
        const source = layouts.get(node.inboundLayers[i].name);
        if (source && node.tensorIndices[i] === 0) inputs.push(source);
      }
    }
    const traced = nodes.length === 1 && inputs.length === nodes[0].inboundLayers.length && inputs.length > 0;
    const rank = shape ? shape.length : 0;

    if (!traced || shape === null) {
      output = opaqueOutput(
        layer,
        inputs,
        nodes.length > 1 ? 'the layer is shared (called more than once)' : 'its inputs or outputs cannot be traced',
      );
    } else if (layer.layers !== undefined) {
      output = opaqueOutput(layer, inputs, 'nested models are not traced');
    } else if (isChannelsFirst(config)) {
      output = opaqueOutput(layer, inputs, 'channels-first data is not supported');
    } else if ((className === 'DepthwiseConv2D' || className === 'SeparableConv2D') && (config.depthMultiplier ?? 1) !== 1) {
      output = opaqueOutput(layer, inputs, 'a depth multiplier other than 1 is not supported');
    } else if (PRODUCER_CLASSES.has(className)) {
      if (className !== 'Dense' && inputs[0].spatial !== 1) {
        output = opaqueOutput(layer, inputs, 'a conv over flattened channels is not supported');
      } else {
        addMember(inputs[0], layer, 'consumer');
        const channels = shape[shape.length - 1] as number;
        const group = groups.create(channels);
        groups.get(group).producers.push(layer.name);
        output = singleGroupLayout(group, channels);
        addMember(output, layer, 'producer');
      }
    } else if (className === 'DepthwiseConv2D') {
      addMember(inputs[0], layer, 'depthwise');
      output = inputs[0];
    } else if (className === 'BatchNormalization') {
      if (isLastAxis(config.axis, rank)) {
        addMember(inputs[0], layer, 'batchnorm');
        output = inputs[0];
      } else {
        output = opaqueOutput(layer, inputs, 'batch normalisation over an axis other than the channels');
      }
    } else if (PASSTHROUGH_CLASSES.has(className)) {
      if (layer.weights.length > 0) {
        output = opaqueOutput(layer, inputs, 'it has weights the graph does not know how to slice');
      } else if (className === 'Softmax' && !isLastAxis(config.axis ?? -1, rank)) {
        output = opaqueOutput(layer, inputs, 'its channel mapping is not supported');
      } else {
        output = inputs[0];
      }
    } else if (className === 'Flatten') {
      // Channels-last flattening: flat index = position * channels + channel.
      const positions = (shape[0] ?? NaN) / inputs[0].channels;
      output = Number.isInteger(positions)
        ? { ...inputs[0], spatial: positions }
        : opaqueOutput(layer, inputs, 'its output size is not known');
    } else if (MERGE_CLASSES.has(className) || (className === 'Concatenate' && !isLastAxis(config.axis, rank))) {
      const [first, ...rest] = inputs;
      const aligned = rest.every((other) => sameStructure(first, other));
      for (const input of inputs) addMember(input, layer, 'merge');
      if (aligned) {
        for (const other of rest) {
          other.segments.forEach((segment, i) => groups.union(first.segments[i].group, segment.group));
        }
      } else {
        const reason =
          `merged by "${layer.name}" (${className}) with channels laid out differently ` +
          '(e.g. a parameter-free shortcut with zero-padded channels)';
        for (const input of inputs) for (const segment of input.segments) groups.refuse(segment.group, reason);
      }
      output = first;
    } else if (className === 'Concatenate') {
      const spatial = inputs[0].spatial;
      if (inputs.some((input) => input.spatial !== spatial)) {
        output = opaqueOutput(layer, inputs, 'it concatenates flattened tensors of different sizes');
      } else {
        const segments: ChannelLayout['segments'] = [];
        let offset = 0;
        for (const input of inputs) {
          for (const segment of input.segments) segments.push({ ...segment, offset: segment.offset + offset });
          offset += input.channels;
        }
        output = { channels: offset, spatial, segments };
        addMember(output, layer, 'concat');
      }
    } else if (className === CHANNEL_ZERO_PAD_CLASS && isPadConfig(config) && inputs[0].spatial === 1) {
      const input = inputs[0];
      const segments: ChannelLayout['segments'] = [];
      const zeros = (size: number, offset: number) => {
        const group = groups.create(size, `zero channels added by "${layer.name}" (a parameter-free shortcut)`);
        segments.push({ group, offset, size });
      };
      const channels = input.channels + config.before + config.after;
      if (config.before > 0) zeros(config.before, 0);
      for (const segment of input.segments) segments.push({ ...segment, offset: segment.offset + config.before });
      if (config.after > 0) zeros(config.after, config.before + input.channels);
      output = { channels, spatial: 1, segments };
      addMember(output, layer, 'zero-pad');
    } else {
      output = opaqueOutput(layer, inputs, `layer class "${className}" is not known to the channel graph`);
    }

    // Keep the layout's group ids as created; they are resolved to final ids at the end.
    layouts.set(layer.name, output);
    layerChannels.push({ layer: layer.name, className, inputs, output });
    if (CONV_CLASSES.has(className)) {
      convs.push({ index: convs.length + 1, layer: layer.name, className, output, inputs: inputs[0] as ChannelLayout | undefined });
    }
  }

  for (const output of model.outputs) {
    const layout = layouts.get(output.sourceLayer.name);
    if (!layout) continue;
    for (const segment of layout.segments) {
      groups.refuse(segment.group, `reaches the model output (layer "${output.sourceLayer.name}")`);
    }
  }

  // Final ids: roots numbered in the order of their first raw group.
  const finalId = new Map<number, number>();
  const resolved: PruningGroup[] = [];
  groups.raw.forEach((_, rawId) => {
    const root = groups.find(rawId);
    if (finalId.has(root)) return;
    const raw = groups.raw[root];
    finalId.set(root, resolved.length);
    const reasons = [...new Set(raw.reasons)];
    if (raw.producers.length === 0 && reasons.length === 0) reasons.push('no layer produces these channels');
    resolved.push({
      id: resolved.length,
      channels: raw.size,
      members: raw.members,
      producers: [...new Set(raw.producers)],
      convIndices: [],
      residual: raw.merged && raw.producers.length > 1,
      prunable: reasons.length === 0,
      reasons,
    });
  });
  const idOf = (raw: number) => finalId.get(groups.find(raw))!;
  const resolveLayout = (layout: ChannelLayout): ChannelLayout => ({
    ...layout,
    segments: layout.segments.map((s) => ({ ...s, group: idOf(s.group) })),
  });

  const layerOrder = new Map(topologyLayers(model).map((layer, i) => [layer.name, i]));
  for (const group of resolved) {
    group.members.sort((a, b) => layerOrder.get(a.layer)! - layerOrder.get(b.layer)!);
  }
  const resolvedLayers = layerChannels.map((entry) => ({
    ...entry,
    inputs: entry.inputs.map(resolveLayout),
    output: resolveLayout(entry.output),
  }));
  const convInfos: ConvInfo[] = convs.map(({ output, inputs, ...conv }) => ({
    ...conv,
    outputGroup: idOf(output.segments[0].group),
    inputGroups: inputs ? [...new Set(inputs.segments.map((s) => idOf(s.group)))] : [],
  }));
  const convByLayer = new Map(convInfos.map((conv) => [conv.layer, conv]));
  for (const group of resolved) {
    group.convIndices = group.producers.filter((p) => convByLayer.has(p)).map((p) => convByLayer.get(p)!.index);
  }
  assignResidualRoles(topologyLayers(model), convByLayer);
  return { groups: resolved, convs: convInfos, layers: resolvedLayers };
}

function isPadConfig(config: Record<string, unknown>): config is { before: number; after: number } {
  const ok = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  return ok(config.before) && ok(config.after);
}
