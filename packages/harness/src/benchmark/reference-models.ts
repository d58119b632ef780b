import * as tfl from '@tensorflow/tfjs-layers';
import { ChannelZeroPad } from '../training/synthetic-fixtures';

type T = tfl.SymbolicTensor;

/**
 * The reference CNN of the training benchmark: 28x28x1 input, conv3x3(32)-relu,
 * conv3x3(64)-relu, maxpool2, conv3x3(128)-relu, maxpool2, dense(10) (logits). Valid convs.
 */
export function referenceCnn(seed = 1): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.heNormal({ seed: seed + s });
  const input = tfl.input({ shape: [28, 28, 1] });
  let h = tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }).apply(input) as T;
  h = tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }).apply(h) as T;
  h = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(h) as T;
  h = tfl.layers.conv2d({ filters: 128, kernelSize: 3, activation: 'relu', kernelInitializer: init(3) }).apply(h) as T;
  h = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(h) as T;
  h = tfl.layers.flatten().apply(h) as T;
  const out = tfl.layers.dense({ units: 10, kernelInitializer: init(4) }).apply(h) as T;
  return tfl.model({ inputs: input, outputs: out, name: 'reference_cnn' });
}

/**
 * A minimal CIFAR ResNet-20 (He et al. 2016): conv3x3(16)-BN-relu, three stages of three basic
 * blocks (16, 32, 64 channels; stride 2 entering stages 2 and 3), option-A shortcuts
 * (subsample + channel zero-padding with tf.pad), global average pooling, dense(10) logits.
 * Built here so the benchmark does not depend on the models package.
 */
export function miniResNet20(seed = 1, inputShape: [number, number, number] = [32, 32, 3]): tfl.LayersModel {
  return miniCifarResNet(20, seed, inputShape);
}

/** The same CIFAR ResNet at `depth` = 6n + 2 layers (20, 56, 110): n basic blocks per stage. */
export function miniCifarResNet(depth: number, seed = 1, inputShape: [number, number, number] = [32, 32, 3]): tfl.LayersModel {
  const blocks = (depth - 2) / 6;
  if (!Number.isInteger(blocks) || blocks < 1) throw new Error(`a CIFAR ResNet has 6n + 2 layers, not ${depth}`);
  let s = seed;
  const init = () => tfl.initializers.heNormal({ seed: s++ });
  const convBn = (x: T, filters: number, strides: number): T => {
    const h = tfl.layers.conv2d({ filters, kernelSize: 3, strides, padding: 'same', useBias: false, kernelInitializer: init() }).apply(x) as T;
    return tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(h) as T;
  };
  const input = tfl.input({ shape: inputShape });
  let h = tfl.layers.reLU().apply(convBn(input, 16, 1)) as T;
  let channels = 16;
  for (const [stage, filters] of [16, 32, 64].entries()) {
    for (let block = 0; block < blocks; block++) {
      const strides = stage > 0 && block === 0 ? 2 : 1;
      const shortcut = strides > 1 || filters !== channels ? (new ChannelZeroPad({ channels: filters, stride: strides }).apply(h) as T) : h;
      let b = tfl.layers.reLU().apply(convBn(h, filters, strides)) as T;
      b = convBn(b, filters, 1);
      h = tfl.layers.reLU().apply(tfl.layers.add().apply([b, shortcut]) as T) as T;
      channels = filters;
    }
  }
  h = tfl.layers.globalAveragePooling2d({}).apply(h) as T;
  const out = tfl.layers.dense({ units: 10, kernelInitializer: init() }).apply(h) as T;
  return tfl.model({ inputs: input, outputs: out, name: `resnet${depth}` });
}
