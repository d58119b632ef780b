import * as tfl from '@tensorflow/tfjs-layers';
import { inject, injectable } from 'tsyringe';
import { OPTIONS, type JsonSchema, type ModelFactory, type ModelSpec } from '@prunebench/core';
import { SeededInitializers, TORCH_BATCH_NORM } from './init';
import type { VggLayer } from './vgg';

/** The default widths of `vgg-small`: 16-16-M-32-32-M-64-M. */
export const VGG_SMALL_WIDTHS: VggLayer[] = [16, 16, 'M', 32, 32, 'M', 64, 'M'];

export interface VggSmallOptions {
  /** Conv widths and `'M'` (2×2 max pool); default 16-16-M-32-32-M-64-M. */
  widths?: VggLayer[];
  /** Hidden units of the classifier (default 64). */
  hiddenUnits?: number;
}

/**
 * A narrow VGG-style net with BatchNorm for 28×28 inputs, the default model of the quick
 * study: 3×3 convs without bias → BN → ReLU (16-16-M-32-32-M-64-M), flatten (3·3·64 = 576)
 * → dense 64 → BN → ReLU → dense classes. About 5.6 M multiply-accumulates and 80 k params,
 * so an epoch of a few thousand Fashion-MNIST images takes seconds on wasm. It has every
 * structure the VGG plans prune (conv → BN → conv, flatten → dense, a BN classifier).
 * Initialisation as the CIFAR VGG, but BN gamma 1 (PyTorch's default).
 */
export function buildVggSmall(spec: ModelSpec, widths: readonly VggLayer[] = VGG_SMALL_WIDTHS, hiddenUnits = 64): tfl.LayersModel {
  const init = new SeededInitializers(spec.seed ?? 0);
  const input = tfl.input({ shape: spec.inputShape, name: 'input' });
  let x: tfl.SymbolicTensor = input;
  const apply = (layer: tfl.layers.Layer) => (x = layer.apply(x) as tfl.SymbolicTensor);
  let convs = 0;
  let pools = 0;
  for (const entry of widths) {
    if (entry === 'M') {
      apply(tfl.layers.maxPooling2d({ name: `pool${++pools}`, poolSize: 2, strides: 2 }));
      continue;
    }
    const id = `conv${++convs}`;
    apply(
      tfl.layers.conv2d({ name: id, filters: entry, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init.convKaiming(3, entry) }),
    );
    apply(tfl.layers.batchNormalization({ name: `${id}_bn`, ...TORCH_BATCH_NORM }));
    apply(tfl.layers.reLU({ name: `${id}_relu` }));
  }
  apply(tfl.layers.flatten({ name: 'flatten' }));
  apply(tfl.layers.dense({ name: 'fc1', units: hiddenUnits, kernelInitializer: init.normal(0.01), biasInitializer: init.zeros() }));
  apply(tfl.layers.batchNormalization({ name: 'fc1_bn', ...TORCH_BATCH_NORM }));
  apply(tfl.layers.reLU({ name: 'fc1_relu' }));
  apply(tfl.layers.dense({ name: 'fc2', units: spec.numClasses, kernelInitializer: init.normal(0.01), biasInitializer: init.zeros() }));
  return tfl.model({ name: 'vgg-small', inputs: input, outputs: x });
}

/** The quick study's default model. */
@injectable()
export class VggSmallModel implements ModelFactory {
  static readonly id = 'vgg-small';
  static readonly description = 'narrow VGG-style net with BatchNorm for 28×28 inputs (16-16-M-32-32-M-64-M, dense 64): the quick-study default';
  static readonly optionsSchema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      widths: { type: 'array', minItems: 1, items: { anyOf: [{ type: 'integer', minimum: 1 }, { const: 'M' }] } },
      hiddenUnits: { type: 'integer', minimum: 1 },
    },
  };
  static readonly defaultInputShape = [28, 28, 1];

  constructor(@inject(OPTIONS) private readonly options: VggSmallOptions = {}) {}

  build(spec: ModelSpec): tfl.LayersModel {
    return buildVggSmall(spec, this.options.widths, this.options.hiddenUnits);
  }
}
