import type { CostedLayer } from '../cost/mac-rules';
import { InvalidPluginError, UsageError } from '../errors';
import type { ChannelLayout, GroupMemberRole } from './types';

/** Which axis of a weight follows the layer's input channels, which its output channels. */
export interface WeightAxes {
  input?: number;
  output?: number;
}

/** What a layer rule sees of one layer, and the operations it traces channels with. */
export interface LayerTrace {
  readonly name: string;
  readonly className: string;
  readonly config: Record<string, unknown>;
  /** Output shape without the batch dimension. */
  readonly shape: ReadonlyArray<number | null>;
  /** How many weights the layer holds. */
  readonly weightCount: number;
  /** The channel layouts of the layer's inputs, in input order (at least one). */
  readonly inputs: readonly ChannelLayout[];
  /** Records the layer as a member of every group in `layout`. */
  member(layout: ChannelLayout, role: GroupMemberRole): void;
  /** New channels this layer makes from its inputs (a conv's filters): a fresh group it produces. */
  produce(channels: number): ChannelLayout;
  /** New channels no layer produces (e.g. zero padding): an unprunable group, for `reason`. */
  unprunable(channels: number, reason: string): number;
  /** Ties two groups together: they are pruned as one (an element-wise merge). */
  union(groupA: number, groupB: number): void;
  /** Marks every group of `layout` unprunable, for `reason`. */
  refuse(layout: ChannelLayout, reason: string): void;
  /** The layer's channel mapping is not traced: its inputs and output are left whole, for `why`. */
  opaque(why: string): ChannelLayout;
}

/**
 * How the channel graph handles one layer class: how channels flow through it and, for layers
 * with per-channel weights, which axis of each weight to slice. Built-in rules cover tfjs's
 * layers; a plugin adds its custom layers' rules (`layerRules: [...]` or `registerLayerRule`).
 */
export interface LayerRule {
  /** The tfjs class name (`layer.getClassName()`, the class's static `className`). */
  className: string;
  /** The layout of the layer's output channels, built from `trace.inputs`. */
  trace(trace: LayerTrace): ChannelLayout;
  /**
   * For layers with weights: the axes of weight `suffix` (the part after the last `/`, e.g.
   * `kernel`) that follow the input / output channels. Weights not described are copied whole.
   */
  weightAxes?(suffix: string, rank: number): WeightAxes;
  /** A producer's config key for its output channel count (`filters`, `units`), rewritten when it is pruned. */
  widthKey?: string;
  /** A convolution: numbered in `graph.convs` (what PFEC plans index) and given residual roles. */
  conv?: boolean;
  /** Never traced: the channels around the layer are always left whole (`opaqueLayerRule`). */
  opaque?: boolean;
  /**
   * Multiply-accumulates of one example through the layer, for `countCost` (the one place MACs
   * are counted: the layer rules). Omitted: 0 — weightless or bandwidth-bound layers (BatchNorm,
   * pooling, merges). Conv-like layers can use `kernelMacs`.
   */
  macs?(layer: CostedLayer): number;
}

// On globalThis under Symbol.for, so two copies of core in one process share one table.
const TABLE_KEY = Symbol.for('prunebench.layerRules');
function table(): Map<string, LayerRule> {
  const holder = globalThis as unknown as Record<symbol, Map<string, LayerRule> | undefined>;
  return (holder[TABLE_KEY] ??= new Map());
}

export function validateLayerRule(rule: LayerRule, owner = 'a layer rule'): void {
  if (!rule || typeof rule.className !== 'string' || !rule.className || typeof rule.trace !== 'function') {
    throw new InvalidPluginError(`${owner}: every layer rule needs a "className" (the tfjs class name) and a "trace" function`);
  }
}

/**
 * Adds a rule to the table. Registering the same rule object again does nothing; a different
 * rule for a class that already has one is refused (two plugins disagree about the layer).
 */
export function registerLayerRule(rule: LayerRule): void {
  validateLayerRule(rule);
  const existing = table().get(rule.className);
  if (existing === rule) return;
  if (existing) {
    throw new UsageError(`layer class "${rule.className}" already has a layer rule: two plugins (or a plugin and prunebench) describe it; keep one`);
  }
  table().set(rule.className, rule);
}

/** The rule for a class, if any. */
export function layerRuleFor(className: string): LayerRule | undefined {
  return table().get(className);
}

/** A rule for a layer whose channels should be left whole (its inputs and outputs are not pruned). */
export function opaqueLayerRule(className: string, why = 'its channel mapping is not traced'): LayerRule {
  return { className, opaque: true, trace: (t) => t.opaque(why) };
}

/** A rule for a weightless layer that keeps every channel where it is (an activation, a pooling). */
export function passthroughLayerRule(className: string): LayerRule {
  return {
    className,
    trace: (t) => (t.weightCount > 0 ? t.opaque('it has weights the graph does not know how to slice') : t.inputs[0]),
  };
}

/** The error for a layer class without a rule: names the layer, its class and how to add one. */
export class UnknownLayerError extends UsageError {
  constructor(readonly layer: string, readonly className: string) {
    super(
      `layer "${layer}" is of class "${className}", which has no layer rule: the channel graph cannot tell how channels flow through it. ` +
        `Register one before building the graph — registerLayerRule({ className: '${className}', trace: (t) => ... }) from @prunebench/core, ` +
        `or a plugin's "layerRules: [...]"; to leave the channels around it whole, registerLayerRule(opaqueLayerRule('${className}')). ` +
        'See docs/writing-a-plugin.md, "Custom layers".',
    );
  }
}
