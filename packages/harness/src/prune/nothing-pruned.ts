import type { LayersModel } from '@tensorflow/tfjs-layers';
import { UsageError, buildChannelGraph, findUnsupportedLayers, type ChannelGraph, type Registry } from '@prunebench/core';
import type { ComponentRef } from '@prunebench/core/config';
import type { PruneKeys } from './make-pruner';
import type { LayerLeftWhole } from './pruning-report';

type Schema = { properties?: Record<string, { default?: unknown }> } | undefined;

/** A plan entry's id and options, whether written as an id or as `{ use, ...options }`. */
function planEntry(plan: unknown): { id?: string; options: Record<string, unknown> } {
  if (typeof plan === 'string') return { id: plan, options: {} };
  if (plan && typeof plan === 'object') {
    const { use, ...options } = plan as { use?: unknown };
    return { id: typeof use === 'string' ? use : undefined, options };
  }
  return { options: {} };
}

const layerList = (layers: readonly LayerLeftWhole[]) => layers.map((l) => `"${l.layer}" (${l.className})`).join(', ');

/**
 * The error for a pruning that removed nothing, naming what would prune: the plan's `layers=all`
 * when its groups are dense layers a conv-only default skips, the layers that left every group
 * whole, or a larger ratio / sparsity.
 */
export function nothingPrunedError(options: { registry: Registry; prunerRef: ComponentRef; graph?: ChannelGraph; leftWhole: readonly LayerLeftWhole[]; keys: PruneKeys }): UsageError {
  const { registry, prunerRef, graph, leftWhole, keys } = options;
  const head = `${keys.criterion} ${prunerRef.id} with this ${graph ? 'plan' : 'sparsity'} prunes nothing: the model would be saved unchanged`;
  if (!graph) return new UsageError(`${head}. Give a larger ${keys.sparsity} (the fraction of weights set to zero, e.g. 0.5).`);
  const prunable = graph.groups.filter((g) => g.prunable);
  if (prunable.length === 0) {
    const why = leftWhole.length
      ? ` Every group touches a layer the channel graph does not trace, so it was left whole: ${layerList(leftWhole)}. ` +
        'Register a layer rule for that class (see docs/writing-a-plugin.md, "Custom layers") in a plugin and pass it with --config.'
      : ` No group of channels can be removed safely (${[...new Set(graph.groups.flatMap((g) => g.reasons))].slice(0, 3).join('; ')}).`;
    return new UsageError(`${head}.${why}`);
  }
  const plan = planEntry(prunerRef.options.plan);
  const schema = plan.id && registry.has('plan', plan.id) ? (registry.get('plan', plan.id).componentClass.optionsSchema as Schema) : undefined;
  const layersOption = plan.options.layers ?? schema?.properties?.layers?.default ?? 'conv';
  const dense = prunable.filter((g) => g.convIndices.length === 0);
  if (schema?.properties?.layers && layersOption !== 'all' && dense.length === prunable.length) {
    return new UsageError(
      `${head}: plan "${plan.id}" covers conv layers only by default, and this model's prunable groups are produced by ` +
        `${dense.flatMap((g) => g.producers).map((p) => `"${p}"`).join(', ')} (dense layers). Give ${keys.planOption('layers', 'all')} to prune them.`,
    );
  }
  return new UsageError(`${head}: the plan keeps every channel of the ${prunable.length} prunable group(s). Give a larger ratio, or another plan (e.g. uniform with ratio 0.5).`);
}

/** Why a structured pruning of `model` removed nothing, and what would prune (for previews such as `inspect --plan`). */
export function nothingPrunedMessage(registry: Registry, prunerRef: ComponentRef, model: LayersModel, keys: PruneKeys): string {
  return nothingPrunedError({ registry, prunerRef, graph: buildChannelGraph(model), leftWhole: findUnsupportedLayers(model), keys }).message;
}
