import * as tfl from '@tensorflow/tfjs-layers';
import { inject, injectable } from 'tsyringe';
import { OPTIONS, type JsonSchema, type ModelClass, type ModelFactory, type ModelSpec } from '@prunebench/core';
import { SeededInitializers, TORCH_BATCH_NORM } from './init';

export interface ImageNetResNetOptions {
  /** Channels of the stem and first stage (default 64); the stages have 1, 2, 4, 8 times it. */
  baseWidth?: number;
}

const IMAGENET_RESNET_OPTIONS_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    baseWidth: { type: 'integer', minimum: 1, description: 'stem and first-stage width (default 64); stages are ×1, ×2, ×4, ×8' },
  },
};

/** Blocks per stage and block type of the torchvision ResNets. */
export const IMAGENET_RESNETS = {
  resnet18: { blocks: [2, 2, 2, 2], bottleneck: false },
  resnet34: { blocks: [3, 4, 6, 3], bottleneck: false },
  resnet50: { blocks: [3, 4, 6, 3], bottleneck: true },
} as const;

/**
 * An ImageNet ResNet as torchvision builds it (v1.5: a bottleneck's stride is on its 3×3 conv):
 * 7×7/2 stem, 3×3/2 max pool, four stages (64, 128, 256, 512 channels; ×4 for bottlenecks),
 * a 1×1 conv + BN projection shortcut where the shape changes, global average pool, linear
 * classifier. Convs have no bias, Kaiming normal (fan-out); BN gamma 1, beta 0; the classifier
 * keeps PyTorch's default uniform init. Padding is tfjs `same` (torchvision pads symmetrically;
 * shapes and costs are the same).
 */
export function buildImageNetResNet(name: keyof typeof IMAGENET_RESNETS, spec: ModelSpec, baseWidth = 64): tfl.LayersModel {
  const { blocks, bottleneck } = IMAGENET_RESNETS[name];
  const init = new SeededInitializers(spec.seed ?? 0);
  const conv = (layerName: string, filters: number, kernelSize: number, strides = 1) =>
    tfl.layers.conv2d({
      name: layerName,
      filters,
      kernelSize,
      strides,
      padding: 'same',
      useBias: false,
      kernelInitializer: init.convKaiming(kernelSize, filters),
    });
  const bn = (layerName: string) => tfl.layers.batchNormalization({ name: layerName, ...TORCH_BATCH_NORM });
  const relu = (layerName: string) => tfl.layers.reLU({ name: layerName });
  const chain = (x: tfl.SymbolicTensor, ...layers: tfl.layers.Layer[]) =>
    layers.reduce((t, layer) => layer.apply(t) as tfl.SymbolicTensor, x);

  const input = tfl.input({ shape: spec.inputShape, name: 'input' });
  let x = chain(
    input,
    conv('conv1', baseWidth, 7, 2),
    bn('bn1'),
    relu('relu1'),
    tfl.layers.maxPooling2d({ name: 'maxpool', poolSize: 3, strides: 2, padding: 'same' }),
  );
  let channels = baseWidth;
  const expansion = bottleneck ? 4 : 1;
  [1, 2, 4, 8].map((m) => m * baseWidth).forEach((planes, stage) => {
    for (let i = 0; i < blocks[stage]; i++) {
      const strides = stage > 0 && i === 0 ? 2 : 1;
      const p = `stage${stage + 1}_block${i + 1}`;
      const out = planes * expansion;
      const residual = bottleneck
        ? chain(
            x,
            conv(`${p}_conv1`, planes, 1),
            bn(`${p}_bn1`),
            relu(`${p}_relu1`),
            conv(`${p}_conv2`, planes, 3, strides),
            bn(`${p}_bn2`),
            relu(`${p}_relu2`),
            conv(`${p}_conv3`, out, 1),
            bn(`${p}_bn3`),
          )
        : chain(x, conv(`${p}_conv1`, planes, 3, strides), bn(`${p}_bn1`), relu(`${p}_relu1`), conv(`${p}_conv2`, planes, 3), bn(`${p}_bn2`));
      const shortcut =
        strides !== 1 || channels !== out
          ? chain(x, conv(`${p}_downsample`, out, 1, strides), bn(`${p}_downsample_bn`))
          : x;
      x = chain(tfl.layers.add({ name: `${p}_add` }).apply([residual, shortcut]) as tfl.SymbolicTensor, relu(`${p}_relu_out`));
      channels = out;
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
  return tfl.model({ name, inputs: input, outputs: x });
}

/**
 * The component class of one ImageNet ResNet variant: only the id, the description and the
 * variant differ between them, so one factory makes all three.
 */
function imageNetResNetModel(variant: keyof typeof IMAGENET_RESNETS, layout: string): ModelClass {
  @injectable()
  class ImageNetResNetModel implements ModelFactory {
    static readonly id = variant;
    static readonly description = `ImageNet ${variant.replace('resnet', 'ResNet-')} (${layout}, 1×1 projection shortcuts); option: baseWidth`;
    static readonly optionsSchema = IMAGENET_RESNET_OPTIONS_SCHEMA;
    static readonly defaultInputShape = [224, 224, 3];
    static readonly defaultNumClasses = 1000;

    constructor(@inject(OPTIONS) private readonly options: ImageNetResNetOptions = {}) {}

    build(spec: ModelSpec): tfl.LayersModel {
      return buildImageNetResNet(variant, spec, this.options.baseWidth);
    }
  }
  // Messages name the class: give each its own name.
  Object.defineProperty(ImageNetResNetModel, 'name', { value: `${variant.replace('resnet', 'ResNet')}Model` });
  return ImageNetResNetModel;
}

/** ImageNet ResNet-18 (basic blocks). */
export const ResNet18Model = imageNetResNetModel('resnet18', 'torchvision layout, basic blocks');
/** ImageNet ResNet-34 (basic blocks). */
export const ResNet34Model = imageNetResNetModel('resnet34', 'torchvision layout, basic blocks');
/** ImageNet ResNet-50 (bottleneck blocks). */
export const ResNet50Model = imageNetResNetModel('resnet50', 'torchvision v1.5 layout, bottlenecks');
