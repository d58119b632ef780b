import * as tfl from '@tensorflow/tfjs-layers';
import { inject, injectable } from 'tsyringe';
import { OPTIONS, type JsonSchema, type ModelFactory, type ModelSpec } from '@prunebench/core';
import { SeededInitializers } from './init';

export type LeNet5Options = Record<string, never>;

/**
 * LeNet-5 for 28×28 inputs (modern variant): conv 6@5×5 (same padding) → ReLU → 2×2 max pool
 * → conv 16@5×5 → ReLU → 2×2 max pool → flatten (5·5·16 = 400) → dense 120 → ReLU → dense 84
 * → ReLU → dense classes. Convs and dense layers have biases; convs Kaiming normal (fan-out),
 * dense layers PyTorch's default uniform, biases 0.
 */
export function buildLeNet5(spec: ModelSpec): tfl.LayersModel {
  const init = new SeededInitializers(spec.seed ?? 0);
  const input = tfl.input({ shape: spec.inputShape, name: 'input' });
  const dense = (name: string, units: number, fanIn: number) =>
    tfl.layers.dense({ name, units, kernelInitializer: init.torchLinear(fanIn), biasInitializer: init.zeros() });
  let x: tfl.SymbolicTensor = input;
  const apply = (layer: tfl.layers.Layer) => (x = layer.apply(x) as tfl.SymbolicTensor);
  apply(tfl.layers.conv2d({ name: 'conv1', filters: 6, kernelSize: 5, padding: 'same', kernelInitializer: init.convKaiming(5, 6) }));
  apply(tfl.layers.reLU({ name: 'relu1' }));
  apply(tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  apply(tfl.layers.conv2d({ name: 'conv2', filters: 16, kernelSize: 5, kernelInitializer: init.convKaiming(5, 16) }));
  apply(tfl.layers.reLU({ name: 'relu2' }));
  apply(tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }));
  apply(tfl.layers.flatten({ name: 'flatten' }));
  const flat = x.shape[1] as number;
  apply(dense('fc1', 120, flat));
  apply(tfl.layers.reLU({ name: 'relu3' }));
  apply(dense('fc2', 84, 120));
  apply(tfl.layers.reLU({ name: 'relu4' }));
  apply(dense('fc3', spec.numClasses, 84));
  return tfl.model({ name: 'lenet5', inputs: input, outputs: x });
}

/** LeNet-5 for 28×28 grey images. */
@injectable()
export class LeNet5Model implements ModelFactory {
  static readonly id = 'lenet5';
  static readonly description = 'LeNet-5 for 28×28 inputs (ReLU, max pools): trains in minutes on 2 cores';
  static readonly optionsSchema: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };
  static readonly defaultInputShape = [28, 28, 1];

  constructor(@inject(OPTIONS) readonly options: LeNet5Options = {}) {}

  build(spec: ModelSpec): tfl.LayersModel {
    return buildLeNet5(spec);
  }
}
