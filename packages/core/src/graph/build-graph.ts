import type { LayersModel } from '@tensorflow/tfjs-layers';
import './builtin-rules';
import { GroupSet, singleGroupLayout } from './grouping';
import { layerRuleFor, UnknownLayerError, type LayerTrace } from './layer-rules';
import { assignResidualRoles } from './residual-roles';
import { outputShapeOf, topologyLayers, type TopologyLayer } from './topology';
import type { ChannelGraph, ChannelLayout, ConvInfo, GroupMemberRole, LayerChannels } from './types';

/**
 * Computes the pruning groups of a model from its topology alone (`model.layers`, their
 * inbound nodes and configs), so it works on any functional or sequential `LayersModel`:
 * topology (`topologyLayers`) → one layer rule per class (`layerRuleFor`, plugins add rules)
 * → grouping (`GroupSet`: union-find over the channels each layer makes).
 *
 * Groups that cannot be pruned safely are kept with `prunable: false` and the reasons: the
 * network input, channels that reach a model output, channels merged with zero-padded channels
 * of a parameter-free shortcut, and anything that flows through a layer a rule leaves whole
 * (shared layers, nested models, channels-first data). A layer class without a rule is an
 * `UnknownLayerError` that says how to register one.
 */
export function buildChannelGraph(model: LayersModel): ChannelGraph {
  const groups = new GroupSet();
  const layouts = new Map<string, ChannelLayout>();
  const layerChannels: LayerChannels[] = [];
  const convs: Array<{ index: number; layer: string; className: string; output: ChannelLayout; inputs?: ChannelLayout }> = [];
  const layers = topologyLayers(model);

  const addMember = (layout: ChannelLayout, layer: TopologyLayer, role: GroupMemberRole): void => {
    for (const segment of layout.segments) {
      groups.get(segment.group).members.push({ layer: layer.name, className: layer.getClassName(), role, offset: segment.offset, channels: layout.channels, spatial: layout.spatial });
    }
  };
  const refuse = (layout: ChannelLayout, reason: string) => layout.segments.forEach((s) => groups.refuse(s.group, reason));
  const opaqueOutput = (layer: TopologyLayer, inputs: readonly ChannelLayout[], why: string): ChannelLayout => {
    for (const input of inputs) {
      addMember(input, layer, 'unknown');
      refuse(input, `flows into layer "${layer.name}" (${layer.getClassName()}): ${why}`);
    }
    const shape = outputShapeOf(layer);
    const channels = shape && typeof shape[shape.length - 1] === 'number' ? (shape[shape.length - 1] as number) : 0;
    const layout = singleGroupLayout(groups.create(channels, `comes out of layer "${layer.name}" (${layer.getClassName()}): ${why}`), channels);
    addMember(layout, layer, 'unknown');
    return layout;
  };

  for (const layer of layers) {
    const className = layer.getClassName();
    const config = layer.getConfig();
    const shape = outputShapeOf(layer);
    const nodes = layer.inboundNodes;
    const inputs: ChannelLayout[] = [];
    let output: ChannelLayout;

    if (className === 'InputLayer') {
      const channels = (shape?.[shape.length - 1] as number) ?? 0;
      output = singleGroupLayout(groups.create(channels, 'the network input'), channels);
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
    const rule = layerRuleFor(className);
    if (!traced || shape === null) {
      output = opaqueOutput(layer, inputs, nodes.length > 1 ? 'the layer is shared (called more than once)' : 'its inputs or outputs cannot be traced');
    } else if (layer.layers !== undefined) {
      output = opaqueOutput(layer, inputs, 'nested models are not traced');
    } else if (config.dataFormat === 'channelsFirst') {
      output = opaqueOutput(layer, inputs, 'channels-first data is not supported');
    } else if (!rule) {
      throw new UnknownLayerError(layer.name, className);
    } else {
      const trace: LayerTrace = {
        name: layer.name,
        className,
        config,
        shape,
        weightCount: layer.weights.length,
        inputs,
        member: (layout, role) => addMember(layout, layer, role),
        produce: (channels) => {
          const group = groups.create(channels);
          groups.get(group).producers.push(layer.name);
          return singleGroupLayout(group, channels);
        },
        unprunable: (channels, reason) => groups.create(channels, reason),
        union: (a, b) => groups.union(a, b),
        refuse,
        opaque: (why) => opaqueOutput(layer, inputs, why),
      };
      output = rule.trace(trace);
    }

    // Keep the layout's group ids as created; they are resolved to final ids at the end.
    layouts.set(layer.name, output);
    layerChannels.push({ layer: layer.name, className, inputs, output });
    if (rule?.conv) convs.push({ index: convs.length + 1, layer: layer.name, className, output, inputs: inputs[0] });
  }

  for (const output of model.outputs) {
    const layout = layouts.get(output.sourceLayer.name);
    if (layout) refuse(layout, `reaches the model output (layer "${output.sourceLayer.name}")`);
  }

  const { groups: resolved, idOf } = groups.resolve(new Map(layers.map((layer, i) => [layer.name, i])));
  const resolveLayout = (layout: ChannelLayout): ChannelLayout => ({ ...layout, segments: layout.segments.map((s) => ({ ...s, group: idOf(s.group) })) });
  const resolvedLayers = layerChannels.map((entry) => ({ ...entry, inputs: entry.inputs.map(resolveLayout), output: resolveLayout(entry.output) }));
  const convInfos: ConvInfo[] = convs.map(({ output, inputs, ...conv }) => ({
    ...conv,
    outputGroup: idOf(output.segments[0].group),
    inputGroups: inputs ? [...new Set(inputs.segments.map((s) => idOf(s.group)))] : [],
  }));
  const convByLayer = new Map(convInfos.map((conv) => [conv.layer, conv]));
  for (const group of resolved) {
    group.convIndices = group.producers.filter((p) => convByLayer.has(p)).map((p) => convByLayer.get(p)!.index);
  }
  assignResidualRoles(layers, convByLayer);
  return { groups: resolved, convs: convInfos, layers: resolvedLayers };
}
