import * as tfl from '@tensorflow/tfjs-layers';
import { inject, injectable } from 'tsyringe';
import { OPTIONS, UsageError, type JsonSchema, type ModelClass, type ModelFactory, type ModelSpec } from '@prunebench/core';
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

/**
 * The component class of the CIFAR ResNet of one depth: only the id, the description and the
 * depth differ between them, so one factory makes all five.
 */
function cifarResNetModel(depth: number): ModelClass {
  @injectable()
  class CifarResNetModel implements ModelFactory {
    static readonly id = `resnet${depth}`;
    static readonly description = `CIFAR ResNet-${depth} (basic blocks, 2×2 avg-pool + zero-padded shortcut); option: blockWidths`;
    static readonly optionsSchema = CIFAR_RESNET_OPTIONS_SCHEMA;
    static readonly defaultInputShape = [32, 32, 3];

    constructor(@inject(OPTIONS) private readonly options: CifarResNetOptions = {}) {}

    build(spec: ModelSpec): tfl.LayersModel {
      return buildCifarResNet(depth, spec, this.options.blockWidths);
    }
  }
  // Messages name the class: give each its own name.
  Object.defineProperty(CifarResNetModel, 'name', { value: `ResNet${depth}Model` });
  return CifarResNetModel;
}

/** CIFAR ResNet-20. */
export const ResNet20Model = cifarResNetModel(20);
/** CIFAR ResNet-32. */
export const ResNet32Model = cifarResNetModel(32);
/** CIFAR ResNet-44. */
export const ResNet44Model = cifarResNetModel(44);
/** CIFAR ResNet-56 (PFEC's ResNet-56). */
export const ResNet56Model = cifarResNetModel(56);
/** CIFAR ResNet-110 (PFEC's ResNet-110). */
export const ResNet110Model = cifarResNetModel(110);
