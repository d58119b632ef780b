import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Batch, BatchOptions, Dataset, DatasetInfo, SplitName } from '../interfaces/dataset';
import { Rng } from '../util/rng';

/**
 * A small functional conv net with the structures pruning must handle: conv → BN → ReLU chains,
 * a residual `Add` tying two convs' channels, max pooling and a flatten → dense link.
 *
 * input [8,8,2] → conv1(6) → BN → ReLU ┬→ conv2(6) → BN ┐
 *                                      └──────────────── add → ReLU → conv3(5) → BN → ReLU → pool → flatten → dense(3)
 */
export function conformanceConvNet(seed = 1): tfl.LayersModel {
  const init = (offset: number) => tfl.initializers.glorotUniform({ seed: seed + offset });
  const input = tfl.input({ shape: [8, 8, 2], name: 'input' });
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;
  let a = apply(tfl.layers.conv2d({ name: 'conv1', filters: 6, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(0) }), input);
  a = apply(tfl.layers.reLU({ name: 'relu1' }), apply(tfl.layers.batchNormalization({ name: 'bn1' }), a));
  const b = apply(tfl.layers.batchNormalization({ name: 'bn2' }), apply(tfl.layers.conv2d({ name: 'conv2', filters: 6, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(1) }), a));
  let x = apply(tfl.layers.reLU({ name: 'relu2' }), apply(tfl.layers.add({ name: 'add' }), [a, b]));
  x = apply(tfl.layers.conv2d({ name: 'conv3', filters: 5, kernelSize: 3, padding: 'same', kernelInitializer: init(2) }), x);
  x = apply(tfl.layers.reLU({ name: 'relu3' }), apply(tfl.layers.batchNormalization({ name: 'bn3' }), x));
  x = apply(tfl.layers.maxPooling2d({ name: 'pool', poolSize: 2 }), x);
  x = apply(tfl.layers.flatten({ name: 'flatten' }), x);
  const output = apply(tfl.layers.dense({ name: 'fc', units: 3, kernelInitializer: init(3) }), x);
  return tfl.model({ inputs: input, outputs: output, name: 'conformance_net' });
}

/** Sets every BatchNorm's statistics and affine parameters to seeded values, so BN is not the identity. */
export function randomizeBatchNorms(model: tfl.LayersModel, seed = 7): void {
  const rng = new Rng(seed, 'conformance-bn');
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    // gamma, beta, moving mean, moving variance: beta positive keeps channels alive after ReLU.
    const ranges: Array<[number, number]> = [[0.5, 1.5], [0.1, 0.5], [-0.5, 0.5], [0.5, 1.5]];
    const values = layer.getWeights().map((w, i) => {
      const [low, high] = ranges[i] ?? [0.5, 1.5];
      return tf.tensor(Float32Array.from({ length: w.size }, () => rng.uniform(low, high)), w.shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/**
 * A tiny seeded in-memory dataset of any shape (values in [0, 1), balanced one-hot labels), for
 * pruners that need calibration data. It counts what it served, so a suite can check the
 * ledger was charged.
 */
export class TinyDataset implements Dataset {
  /** Examples served so far (all splits). */
  served = 0;
  /** Calls of `batches`. */
  streams = 0;

  constructor(
    readonly inputShape: number[],
    readonly numClasses: number,
    readonly sizes: Record<SplitName, number> = { train: 48, validation: 0, test: 16 },
    private readonly seed = 0,
  ) {}

  async load(): Promise<DatasetInfo> {
    return { inputShape: [...this.inputShape], numClasses: this.numClasses, sizes: { ...this.sizes } };
  }

  async *batches(split: SplitName, options: BatchOptions): AsyncIterable<Batch> {
    this.streams++;
    const size = this.sizes[split];
    const pixels = this.inputShape.reduce((a, b) => a * b, 1);
    const order = (options.shuffle ?? split === 'train') ? Array.from(new Rng(options.seed, 'tiny', split, options.epoch).permutation(size)) : Array.from({ length: size }, (_, i) => i);
    for (let start = 0; start < size; start += options.batchSize) {
      const indices = order.slice(start, start + options.batchSize);
      if (options.dropRemainder && indices.length < options.batchSize) break;
      const x = new Float32Array(indices.length * pixels);
      const y = new Float32Array(indices.length * this.numClasses);
      indices.forEach((example, row) => {
        const rng = new Rng(this.seed, 'tiny-example', split, example);
        for (let p = 0; p < pixels; p++) x[row * pixels + p] = rng.next();
        y[row * this.numClasses + (example % this.numClasses)] = 1;
      });
      this.served += indices.length;
      yield { x: tf.tensor(x, [indices.length, ...this.inputShape]), y: tf.tensor(y, [indices.length, this.numClasses]) };
    }
  }
}

/** The net the pruner, criterion and weight-score suites prune by default: the conv net with random BatchNorm statistics. */
export function defaultPruningNet(): tfl.LayersModel {
  const model = conformanceConvNet();
  randomizeBatchNorms(model);
  return model;
}
