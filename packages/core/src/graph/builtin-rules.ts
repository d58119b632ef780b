import { opaqueLayerRule, passthroughLayerRule, registerLayerRule, type LayerRule, type LayerTrace, type WeightAxes } from './layer-rules';
import { sameStructure } from './grouping';
import type { ChannelLayout } from './types';
import { kernelMacs, transposedKernelMacs } from '../cost/mac-rules';

/** True when an `axis` config (BatchNormalization, Concatenate, Softmax) is the last axis. */
function isLastAxis(axis: unknown, rank: number): boolean {
  const values = Array.isArray(axis) ? axis : [axis];
  return values.length === 1 && (values[0] === -1 || values[0] === rank - 1);
}

function multiplierOk(t: LayerTrace): boolean {
  return ((t.config.depthMultiplier as number | undefined) ?? 1) === 1;
}

/** Conv and dense layers: consume every input channel, produce `filters` / `units` new ones. */
function producerRule(className: string, widthKey: 'filters' | 'units', conv: boolean, axes: (suffix: string, rank: number) => WeightAxes): LayerRule {
  return {
    className,
    widthKey,
    conv,
    weightAxes: axes,
    macs: kernelMacs,
    trace: (t) => {
      if (!multiplierOk(t)) return t.opaque('a depth multiplier other than 1 is not supported');
      if (className !== 'Dense' && t.inputs[0].spatial !== 1) return t.opaque('a conv over flattened channels is not supported');
      t.member(t.inputs[0], 'consumer');
      const output = t.produce(t.shape[t.shape.length - 1] as number);
      t.member(output, 'producer');
      return output;
    },
  };
}

const kernelAxes = (suffix: string, rank: number): WeightAxes =>
  suffix === 'kernel' ? { input: rank - 2, output: rank - 1 } : suffix === 'bias' ? { output: 0 } : {};

function merge(t: LayerTrace): ChannelLayout {
  const [first, ...rest] = t.inputs;
  const aligned = rest.every((other) => sameStructure(first, other));
  for (const input of t.inputs) t.member(input, 'merge');
  if (aligned) {
    for (const other of rest) other.segments.forEach((segment, i) => t.union(first.segments[i].group, segment.group));
  } else {
    const reason = `merged by "${t.name}" (${t.className}) with channels laid out differently (e.g. a parameter-free shortcut with zero-padded channels)`;
    for (const input of t.inputs) t.refuse(input, reason);
  }
  return first;
}

const PASSTHROUGH = [
  'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'Dropout', 'SpatialDropout1D', 'GaussianNoise',
  'GaussianDropout', 'AlphaDropout', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D',
  'AveragePooling2D', 'AveragePooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D',
  'GlobalMaxPooling2D', 'ZeroPadding2D', 'Cropping2D', 'UpSampling2D',
];
/** tfjs layers whose channel mapping the graph does not trace: the channels around them stay whole. */
const OPAQUE = [
  'Reshape', 'Permute', 'RepeatVector', 'Conv2DTranspose', 'Conv3DTranspose', 'LayerNormalization', 'Embedding',
  'SimpleRNN', 'LSTM', 'GRU', 'ConvLSTM2D', 'Bidirectional', 'TimeDistributed', 'Masking', 'Dot', 'PReLU',
  'Cropping1D', 'UpSampling1D', 'ZeroPadding1D', 'Rescaling', 'CenterCrop', 'Resizing', 'CategoryEncoding',
];

export const BUILTIN_LAYER_RULES: LayerRule[] = [
  producerRule('Conv1D', 'filters', true, kernelAxes),
  producerRule('Conv2D', 'filters', true, kernelAxes),
  producerRule('Conv3D', 'filters', true, kernelAxes),
  producerRule('Dense', 'units', false, kernelAxes),
  producerRule('SeparableConv2D', 'filters', true, (suffix) =>
    suffix === 'depthwise_kernel' ? { input: 2 } : suffix === 'pointwise_kernel' ? { input: 2, output: 3 } : suffix === 'bias' ? { output: 0 } : {},
  ),
  {
    className: 'DepthwiseConv2D',
    conv: true,
    macs: kernelMacs,
    weightAxes: (suffix) => (suffix === 'depthwise_kernel' ? { input: 2 } : suffix === 'bias' ? { input: 0 } : {}),
    trace: (t) => {
      if (!multiplierOk(t)) return t.opaque('a depth multiplier other than 1 is not supported');
      t.member(t.inputs[0], 'depthwise');
      return t.inputs[0];
    },
  },
  {
    className: 'BatchNormalization',
    weightAxes: () => ({ input: 0 }),
    trace: (t) => {
      if (!isLastAxis(t.config.axis, t.shape.length)) return t.opaque('batch normalisation over an axis other than the channels');
      t.member(t.inputs[0], 'batchnorm');
      return t.inputs[0];
    },
  },
  {
    className: 'Softmax',
    trace: (t) => (isLastAxis(t.config.axis ?? -1, t.shape.length) ? t.inputs[0] : t.opaque('its channel mapping is not supported')),
  },
  {
    className: 'Flatten',
    trace: (t) => {
      // Channels-last flattening: flat index = position * channels + channel.
      const positions = (t.shape[0] ?? NaN) / t.inputs[0].channels;
      return Number.isInteger(positions) ? { ...t.inputs[0], spatial: positions } : t.opaque('its output size is not known');
    },
  },
  ...['Add', 'Average', 'Maximum', 'Minimum', 'Multiply', 'Subtract'].map((className): LayerRule => ({ className, trace: merge })),
  {
    className: 'Concatenate',
    trace: (t) => {
      if (!isLastAxis(t.config.axis, t.shape.length)) return merge(t);
      const spatial = t.inputs[0].spatial;
      if (t.inputs.some((input) => input.spatial !== spatial)) return t.opaque('it concatenates flattened tensors of different sizes');
      const segments: ChannelLayout['segments'] = [];
      let offset = 0;
      for (const input of t.inputs) {
        for (const segment of input.segments) segments.push({ ...segment, offset: segment.offset + offset });
        offset += input.channels;
      }
      const output = { channels: offset, spatial, segments };
      t.member(output, 'concat');
      return output;
    },
  },
  ...PASSTHROUGH.map(passthroughLayerRule),
  ...OPAQUE.map((className): LayerRule => ({ ...opaqueLayerRule(className), ...(className === 'Conv2DTranspose' ? { macs: transposedKernelMacs } : {}) })),
];

for (const rule of BUILTIN_LAYER_RULES) registerLayerRule(rule);
