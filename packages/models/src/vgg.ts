import * as tfl from '@tensorflow/tfjs-layers';
import { inject, injectable } from 'tsyringe';
import { OPTIONS, type JsonSchema, type ModelFactory, type ModelSpec } from '@prunebench/core';
import { SeededInitializers, TORCH_BATCH_NORM } from './init';

/** A feature-extractor entry: a conv's width, or `'M'` for a 2×2 max pool. */
export type VggLayer = number | 'M';

/** The CIFAR VGG widths of the reference code (PFEC / "rethinking" l1-norm-pruning). */
export const VGG_WIDTHS: Record<'vgg16' | 'vgg19', VggLayer[]> = {
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512],
  vgg19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512],
};

export interface VggOptions {
  /** Conv widths and pools, e.g. a PFEC plan's pruned widths; default: the full network. */
  widths?: VggLayer[];
  /** Width of the classifier's hidden layer (default 512). */
  classifierWidth?: number;
}

export const VGG_OPTIONS_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    widths: {
      type: 'array',
      minItems: 1,
      items: { anyOf: [{ type: 'integer', minimum: 1 }, { const: 'M' }] },
      description: "conv widths and 'M' for a 2×2 max pool, e.g. a pruned plan's widths",
    },
    classifierWidth: { type: 'integer', minimum: 1, description: 'hidden units of the classifier (default 512)' },
  },
};

/**
 * The CIFAR VGG with BatchNorm of the PFEC reference code: 3×3 convs without bias, each
 * followed by BN and ReLU; 2×2 max pools; a 2×2 average pool; then the classifier
 * Linear(C→512) → BN → ReLU → Linear(512→classes). Initialisation as the reference: convs
 * Kaiming normal (fan-out), conv BN gamma 0.5 and beta 0, linear weights normal(0, 0.01) and
 * biases 0, the classifier's BatchNorm1d at PyTorch's default (gamma 1).
 */
export function buildCifarVgg(
  name: string,
  spec: ModelSpec,
  widths: readonly VggLayer[],
  classifierWidth = 512,
): tfl.LayersModel {
  const init = new SeededInitializers(spec.seed ?? 0);
  const input = tfl.input({ shape: spec.inputShape, name: 'input' });
  let x: tfl.SymbolicTensor = input;
  let convs = 0;
  let pools = 0;
  const apply = (layer: tfl.layers.Layer) => (x = layer.apply(x) as tfl.SymbolicTensor);
  for (const entry of widths) {
    if (entry === 'M') {
      apply(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${++pools}` }));
      continue;
    }
    const id = `conv${++convs}`;
    apply(
      tfl.layers.conv2d({
        name: id,
        filters: entry,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: init.convKaiming(3, entry),
      }),
    );
    apply(tfl.layers.batchNormalization({ name: `${id}_bn`, ...TORCH_BATCH_NORM, gammaInitializer: init.constant(0.5) }));
    apply(tfl.layers.reLU({ name: `${id}_relu` }));
  }
  // 'same' so inputs smaller than 32×32 (a 1×1 map) still work; at 32×32 it is the plain 2×2 pool.
  apply(tfl.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same', name: 'avgpool' }));
  apply(tfl.layers.flatten({ name: 'flatten' }));
  apply(
    tfl.layers.dense({
      name: 'fc1',
      units: classifierWidth,
      kernelInitializer: init.normal(0.01),
      biasInitializer: init.zeros(),
    }),
  );
  apply(tfl.layers.batchNormalization({ name: 'fc1_bn', ...TORCH_BATCH_NORM }));
  apply(tfl.layers.reLU({ name: 'fc1_relu' }));
  apply(
    tfl.layers.dense({ name: 'fc2', units: spec.numClasses, kernelInitializer: init.normal(0.01), biasInitializer: init.zeros() }),
  );
  return tfl.model({ name, inputs: input, outputs: x });
}

/** CIFAR VGG-16 with BatchNorm (PFEC's VGG-16). */
@injectable()
export class Vgg16Model implements ModelFactory {
  static readonly id = 'vgg16';
  static readonly description = 'CIFAR VGG-16 with BatchNorm and the 512-wide BN classifier (PFEC reference); option: widths';
  static readonly optionsSchema = VGG_OPTIONS_SCHEMA;
  static readonly defaultInputShape = [32, 32, 3];

  constructor(@inject(OPTIONS) private readonly options: VggOptions = {}) {}

  build(spec: ModelSpec): tfl.LayersModel {
    return buildCifarVgg('vgg16', spec, this.options.widths ?? VGG_WIDTHS.vgg16, this.options.classifierWidth);
  }
}

/** CIFAR VGG-19 with BatchNorm. */
@injectable()
export class Vgg19Model implements ModelFactory {
  static readonly id = 'vgg19';
  static readonly description = 'CIFAR VGG-19 with BatchNorm and the 512-wide BN classifier; option: widths';
  static readonly optionsSchema = VGG_OPTIONS_SCHEMA;
  static readonly defaultInputShape = [32, 32, 3];

  constructor(@inject(OPTIONS) private readonly options: VggOptions = {}) {}

  build(spec: ModelSpec): tfl.LayersModel {
    return buildCifarVgg('vgg19', spec, this.options.widths ?? VGG_WIDTHS.vgg19, this.options.classifierWidth);
  }
}
