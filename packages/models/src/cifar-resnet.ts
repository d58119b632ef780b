import * as tfl from '@tensorflow/tfjs-layers';
import { inject, injectable } from 'tsyringe';
import { OPTIONS, UsageError, type JsonSchema, type ModelFactory, type ModelSpec } from '@prunebench/core';
import { ChannelZeroPad } from './channel-zero-pad';
import { SeededInitializers, TORCH_BATCH_NORM } from './init';

export interface CifarResNetOptions {
  /**
   * Width of every residual block's first conv, in order (3n entries for depth 6n + 2), e.g. a
   * PFEC plan's pruned widths. Default: the stage width (16, 32, 64).
   */
  blockWidths?: number[];
}

export const CIFAR_RESNET_OPTIONS_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    blockWidths: {
      type: 'array',
      items: { type: 'integer', minimum: 1 },
      description: "width of each residual block's first conv (3n entries for depth 6n+2)",
    },
  },
};

/** The stage widths of the CIFAR ResNets. */
export const CIFAR_RESNET_STAGES = [16, 32, 64] as const;

/**
 * A CIFAR ResNet of depth 6n + 2 (He et al. 2016, as in the PFEC reference code): a 3×3 stem of
 * 16 channels, three stages of n basic blocks (16, 32, 64 channels; the first block of stages
 * 2 and 3 has stride 2), a global average pool (8×8 at 32×32 inputs) and a linear classifier.
 * The shortcut is parameter-free: identity, or a 2×2 average pool and zero channels appended
 * (`ChannelZeroPad`) when the shape changes. Convs have no bias and are Kaiming-normal
 * (fan-out); BN gamma 1, beta 0; the classifier keeps PyTorch's default uniform init.
 */
export function buildCifarResNet(depth: number, spec: ModelSpec, blockWidths?: readonly number[]): tfl.LayersModel {
  if ((depth - 2) % 6 !== 0) throw new UsageError(`a CIFAR ResNet's depth must be 6n + 2 (got ${depth})`);
  const n = (depth - 2) / 6;
  if (blockWidths && blockWidths.length !== 3 * n) {
    throw new UsageError(`resnet${depth}: blockWidths needs ${3 * n} entries (one per residual block), got ${blockWidths.length}`);
  }
  const init = new SeededInitializers(spec.seed ?? 0);
  const conv = (name: string, filters: number, strides = 1) =>
    tfl.layers.conv2d({
      name,
      filters,
      kernelSize: 3,
      strides,
      padding: 'same',
      useBias: false,
      kernelInitializer: init.convKaiming(3, filters),
    });
  const bn = (name: string) => tfl.layers.batchNormalization({ name, ...TORCH_BATCH_NORM });
  const chain = (x: tfl.SymbolicTensor, ...layers: tfl.layers.Layer[]) =>
    layers.reduce((t, layer) => layer.apply(t) as tfl.SymbolicTensor, x);

  const input = tfl.input({ shape: spec.inputShape, name: 'input' });
  let x = chain(input, conv('conv1', 16), bn('bn1'), tfl.layers.reLU({ name: 'relu1' }));
  let channels = 16;
  let block = 0;
  CIFAR_RESNET_STAGES.forEach((planes, stage) => {
    for (let i = 0; i < n; i++) {
      const strides = stage > 0 && i === 0 ? 2 : 1;
      const prefix = `stage${stage + 1}_block${i + 1}`;
      const width = blockWidths?.[block] ?? planes;
      block++;
      const residual = chain(
        x,
        conv(`${prefix}_conv1`, width, strides),
        bn(`${prefix}_bn1`),
        tfl.layers.reLU({ name: `${prefix}_relu1` }),
        conv(`${prefix}_conv2`, planes),
        bn(`${prefix}_bn2`),
      );
      let shortcut = x;
      if (strides !== 1 || channels !== planes) {
        shortcut = chain(
          x,
          tfl.layers.averagePooling2d({ name: `${prefix}_shortcut_pool`, poolSize: 2, strides, padding: 'same' }),
          new ChannelZeroPad({ name: `${prefix}_shortcut_pad`, after: planes - channels }),
        );
      }
      const sum = tfl.layers.add({ name: `${prefix}_add` }).apply([residual, shortcut]) as tfl.SymbolicTensor;
      x = chain(sum, tfl.layers.reLU({ name: `${prefix}_relu2` }));
      channels = planes;
    }
  });
  x = chain(
    x,
    tfl.layers.globalAveragePooling2d({ name: 'avgpool' }),
    tfl.layers.dense({
      name: 'fc',
      units: spec.numClasses,
      kernelInitializer: init.torchLinear(channels),
      biasInitializer: init.torchLinear(channels),
    }),
  );
  return tfl.model({ name: `resnet${depth}`, inputs: input, outputs: x });
}

abstract class CifarResNetModel implements ModelFactory {
  static readonly optionsSchema = CIFAR_RESNET_OPTIONS_SCHEMA;
  static readonly defaultInputShape = [32, 32, 3];
  protected abstract readonly depth: number;

  constructor(private readonly options: CifarResNetOptions = {}) {}

  build(spec: ModelSpec): tfl.LayersModel {
    return buildCifarResNet(this.depth, spec, this.options.blockWidths);
  }
}

const descriptionOf = (depth: number) =>
  `CIFAR ResNet-${depth} (basic blocks, 2×2 avg-pool + zero-padded shortcut); option: blockWidths`;

/** CIFAR ResNet-20. */
@injectable()
export class ResNet20Model extends CifarResNetModel {
  static readonly id = 'resnet20';
  static readonly description = descriptionOf(20);
  protected readonly depth = 20;
  constructor(@inject(OPTIONS) options: CifarResNetOptions = {}) {
    super(options);
  }
}

/** CIFAR ResNet-32. */
@injectable()
export class ResNet32Model extends CifarResNetModel {
  static readonly id = 'resnet32';
  static readonly description = descriptionOf(32);
  protected readonly depth = 32;
  constructor(@inject(OPTIONS) options: CifarResNetOptions = {}) {
    super(options);
  }
}

/** CIFAR ResNet-44. */
@injectable()
export class ResNet44Model extends CifarResNetModel {
  static readonly id = 'resnet44';
  static readonly description = descriptionOf(44);
  protected readonly depth = 44;
  constructor(@inject(OPTIONS) options: CifarResNetOptions = {}) {
    super(options);
  }
}

/** CIFAR ResNet-56 (PFEC's ResNet-56). */
@injectable()
export class ResNet56Model extends CifarResNetModel {
  static readonly id = 'resnet56';
  static readonly description = descriptionOf(56);
  protected readonly depth = 56;
  constructor(@inject(OPTIONS) options: CifarResNetOptions = {}) {
    super(options);
  }
}

/** CIFAR ResNet-110 (PFEC's ResNet-110). */
@injectable()
export class ResNet110Model extends CifarResNetModel {
  static readonly id = 'resnet110';
  static readonly description = descriptionOf(110);
  protected readonly depth = 110;
  constructor(@inject(OPTIONS) options: CifarResNetOptions = {}) {
    super(options);
  }
}
