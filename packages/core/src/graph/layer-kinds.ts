/**
 * What the graph knows about each tfjs layer class, recognised by class name and config alone,
 * so models whose classes nobody registered with prunebench still work. A class not listed
 * here is treated as unknown: its channels cannot be traced, and every group touching it is
 * left whole.
 */

/** Layer classes that make new channels from all their input channels (weights: kernel [.., in, out]). */
export const CONV_CLASSES = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'SeparableConv2D', 'DepthwiseConv2D']);

/** Producers: their output channels are a new group (`filters` or `units` in their config). */
export const PRODUCER_CLASSES = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'SeparableConv2D', 'Dense']);

/** The config key that sets a producer's output channel count. */
export function widthKey(className: string): 'filters' | 'units' {
  return className === 'Dense' ? 'units' : 'filters';
}

/**
 * Layers that keep every channel where it is and have no per-channel weights: activations,
 * pooling (spatial and global), dropout, spatial padding / cropping / upsampling.
 */
export const PASSTHROUGH_CLASSES = new Set([
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'ThresholdedReLU',
  'Softmax',
  'Dropout',
  'SpatialDropout1D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'MaxPooling1D',
  'MaxPooling2D',
  'MaxPooling3D',
  'AveragePooling1D',
  'AveragePooling2D',
  'AveragePooling3D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'ZeroPadding2D',
  'Cropping2D',
  'UpSampling2D',
]);

/** Element-wise merges: every input has the same channels, so their groups become one. */
export const MERGE_CLASSES = new Set(['Add', 'Average', 'Maximum', 'Minimum', 'Multiply', 'Subtract']);

/** The class name of prunebench's channel zero-padding layer (config `{ before, after }`). */
export const CHANNEL_ZERO_PAD_CLASS = 'ChannelZeroPad';

/** Classes with a `dataFormat` that the graph only understands channels-last. */
export function isChannelsFirst(config: Record<string, unknown>): boolean {
  return config.dataFormat === 'channelsFirst';
}

/** True when an `axis` config (BatchNormalization, Concatenate, Softmax) is the last axis. */
export function isLastAxis(axis: unknown, rank: number): boolean {
  const values = Array.isArray(axis) ? axis : [axis];
  return values.length === 1 && (values[0] === -1 || values[0] === rank - 1);
}
