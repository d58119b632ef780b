import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerLayerRule } from '@prunebench/core';
import { channelZeroPadRule } from './channel-zero-pad-rule';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];

export interface ChannelZeroPadArgs extends NonNullable<LayerArgs> {
  /** Zero channels added before the input's channels. */
  before?: number;
  /** Zero channels added after the input's channels. */
  after: number;
}

/**
 * Adds all-zero channels to a channels-last tensor: the parameter-free shortcut of the CIFAR
 * ResNets (after a 2×2 average pool), which tfjs has no layer for. Registered for serialization,
 * so models using it save and load, and with the channel graph (its layer rule), so they prune.
 */
export class ChannelZeroPad extends tfl.layers.Layer {
  static readonly className = channelZeroPadRule.className;
  readonly before: number;
  readonly after: number;

  constructor(args: ChannelZeroPadArgs) {
    super(args);
    this.before = args.before ?? 0;
    this.after = args.after;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1];
    return [...shape.slice(0, -1), channels === null ? null : channels + this.before + this.after];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const paddings = x.shape.map((): [number, number] => [0, 0]);
      paddings[paddings.length - 1] = [this.before, this.after];
      return tf.pad(x, paddings);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), before: this.before, after: this.after };
  }
}

tf.serialization.registerClass(ChannelZeroPad);
registerLayerRule(channelZeroPadRule);
