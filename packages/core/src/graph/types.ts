/**
 * The channel dependency graph: which channels of a model must be removed together.
 *
 * A *pruning group* is a set of channels that every layer touching them indexes the same way:
 * a conv's filters, its BatchNorm's entries, the next conv's input channels — and, through an
 * `Add`, the filters of every conv feeding it. Removing channel `k` of a group removes it from
 * every member at once; the result is still a valid, physically smaller network.
 */

/** How a member layer is affected when channels of the group are removed. */
export type GroupMemberRole =
  /** Creates the channels: conv filters (kernel's last axis), dense units, and their bias. */
  | 'producer'
  /** Per-channel parameters on the way through: gamma, beta, moving mean and variance. */
  | 'batchnorm'
  /** A depthwise conv (multiplier 1): its kernel's input axis and bias follow the channels. */
  | 'depthwise'
  /** Reads the channels: the kernel's input axis of a conv, dense or separable conv. */
  | 'consumer'
  /** A `Concatenate` along channels: the group sits at `offset` of its output. */
  | 'concat'
  /** An element-wise merge (`Add`, `Multiply`, ...): all its inputs share the group. */
  | 'merge'
  /** A `ChannelZeroPad` layer: adds zero channels after (or before) the group. */
  | 'zero-pad'
  /** A layer whose channel mapping is not known: the group cannot be traced through it. */
  | 'unknown';

/**
 * One layer's share of a group. Channel `k` of the group is, in the channel axis this member
 * sees (its output for a producer, its input otherwise), at flat index
 * `p * channels + offset + k` for every spatial position `p < spatial`. `spatial` is 1 except
 * after a `Flatten`, where one channel becomes `h × w` inputs of the dense layer that follows
 * (channels-last order, so they are `channels` apart).
 */
export interface GroupMember {
  /** The layer's name (`model.getLayer(name)`). */
  layer: string;
  /** Its tfjs class name, e.g. `Conv2D`. */
  className: string;
  role: GroupMemberRole;
  /** Where the group's channels start in that channel axis. */
  offset: number;
  /** Channels of that axis (per spatial position), the group's and any others'. */
  channels: number;
  /** Spatial positions folded into that axis by a `Flatten` (1 otherwise). */
  spatial: number;
}

/** A set of channels removed together. */
export interface PruningGroup {
  /** Stable id: groups are numbered 0, 1, ... in the order their first channels appear. */
  id: number;
  /** How many channels the group has. */
  channels: number;
  /** Every layer the group's channels touch, in model order. */
  members: GroupMember[];
  /** Names of the layers whose output channels these are (several for a residual group). */
  producers: string[];
  /** Stable indices (see `ConvInfo.index`) of the convs among the producers. */
  convIndices: number[];
  /** Several producers are tied by an element-wise merge (a residual `Add` group). */
  residual: boolean;
  /** False when removing channels would be unsafe or impossible; `reasons` says why. */
  prunable: boolean;
  /** Why the group cannot be pruned (empty when it can). */
  reasons: string[];
}

/** Where a conv sits in a residual block (an `Add` whose branches fork from one tensor). */
export interface ResidualRole {
  /** 1-based number of the block (its `Add`), in model order. */
  block: number;
  /**
   * `first`: first conv of a residual branch (its outputs stay inside the block, so it is the
   * one the PFEC plans prune); `middle`; `last`: its outputs feed the `Add`; `first-and-last`:
   * the only conv of a branch; `shortcut`: a conv of the shortcut (the branch with fewest
   * convs, e.g. a 1×1 projection).
   */
  position: 'first' | 'middle' | 'last' | 'first-and-last' | 'shortcut';
}

/** A convolution layer and its place in the network. */
export interface ConvInfo {
  /**
   * Stable 1-based index: convs numbered in model order (tfjs's topological `model.layers`),
   * the stem being 1 — the numbering of the PFEC plans (a CIFAR ResNet's block-first convs are
   * even).
   */
  index: number;
  layer: string;
  className: string;
  /** The group of its output channels. */
  outputGroup: number;
  /** The groups of its input channels, in channel order. */
  inputGroups: number[];
  /** Set when the conv is part of a residual block. */
  residual?: ResidualRole;
}

/** A run of consecutive channels of one tensor that belong to one group. */
export interface ChannelSegment {
  group: number;
  /** First channel of the run in the tensor's channel axis. */
  offset: number;
  /** Length of the run: always the whole group. */
  size: number;
}

/** How a tensor's channel axis is made of groups. */
export interface ChannelLayout {
  /** Channels per spatial position. */
  channels: number;
  /** Spatial positions folded into the axis by a `Flatten` (1 otherwise). */
  spatial: number;
  segments: ChannelSegment[];
}

/** The channel layouts a layer reads and writes. */
export interface LayerChannels {
  layer: string;
  className: string;
  /** One layout per input tensor, in the order of the layer's inputs. */
  inputs: ChannelLayout[];
  output: ChannelLayout;
}

/** The result of `buildChannelGraph`. */
export interface ChannelGraph {
  groups: PruningGroup[];
  /** Every conv, by `index` (convs[i].index === i + 1). */
  convs: ConvInfo[];
  /** Every layer, in model order, with the layouts of its inputs and output. */
  layers: LayerChannels[];
}

/**
 * Channels to keep, per group id: sorted, distinct indices `< group.channels`, at least one.
 * Groups not listed keep all their channels.
 */
export type KeptChannels = ReadonlyMap<number, readonly number[]> | Readonly<Record<number, readonly number[]>>;
