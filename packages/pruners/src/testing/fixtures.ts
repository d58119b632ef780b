import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { container } from 'tsyringe';
import { Registry, RunLedger, createComponent, createPruneContext, type Batch, type BatchOptions, type Dataset, type DatasetInfo, type Ledger, type Plan, type PruneContext, type Pruner } from '@prunebench/core';
import plugin from '../index';

/** A fresh ledger for tests (the harness passes the run's own). */
export function recordingLedger(): Ledger {
  return new RunLedger();
}

/** A pruner as a config entry makes it: `makePruner('l1')`, `makePruner('magnitude', { sparsity: 0.5 })`. */
export function makePruner(id: string, options: Record<string, unknown> = {}): Pruner {
  const registry = new Registry();
  registry.add(plugin, { packageName: '@prunebench/pruners' });
  return createComponent<Pruner>(container.createChildContainer(), registry, 'pruner', id, options);
}

/** A prune context as the harness makes it (helpers included), with a plan given directly when asked. */
export function pruneContext(options: { seed?: number; plan?: Plan; dataset?: Dataset; ledger?: Ledger } = {}): PruneContext {
  return createPruneContext({ seed: options.seed ?? 0, ledger: options.ledger ?? recordingLedger(), dataset: options.dataset, plan: options.plan });
}

/** conv(4) → BN → relu → conv(6) → BN → relu → maxpool → flatten → dense(3): tiny, with a flatten → dense link. */
export function tinyConvNet(seed = 1): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 2], name: 'input' });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false, name: 'conv1', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn1' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU({ name: 'relu1' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', name: 'conv2', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn2' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU({ name: 'relu2' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  const output = tfl.layers.dense({ units: 3, name: 'fc', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output, name: 'tiny' });
}

/** Random BN statistics and affine parameters, so BN is not the identity in equivalence tests. */
export function randomizeBatchNorms(model: tfl.LayersModel, seed = 7): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const values = layer.getWeights().map((w, i) =>
      tf.tidy(() => {
        const r = tf.randomUniform(w.shape, 0, 1, 'float32', seed + i);
        // gamma and moving mean of any sign; beta positive so channels stay alive after ReLU
        // (a dead channel would make an equivalence test vacuous); moving variance positive.
        if (i === 1) return tf.add(tf.mul(r, 0.8), 0.2);
        return i === 3 ? tf.add(r, 0.5) : tf.sub(tf.mul(r, 2), 1);
      }),
    );
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/** One plain SGD step on softmax cross-entropy, for tests that train a little. */
export function sgdStep(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor, lr = 0.1): void {
  const optimizer = tf.train.sgd(lr);
  tf.tidy(() => {
    optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      false,
      model.trainableWeights.map((w) => w.read() as tf.Variable),
    );
  });
  optimizer.dispose();
}

/**
 * input → conv a(6) → BN → ReLU ┬→ conv b(4) → BN → ReLU ┐
 *                               ├→ conv c(5) → BN → ReLU ┴ concat → conv d(6) → BN ┐
 *                               └→ conv e(6) → BN ────────────────────────────────┴ add → ReLU → GAP → dense(3)
 * Branches, a concat, a residual add and a global pool: what a hand-built net may hold.
 */
export function branchyNet(seed = 11): tfl.LayersModel {
  const input = tfl.input({ shape: [5, 5, 3], name: 'input' });
  const conv = (name: string, filters: number, x: tfl.SymbolicTensor, kernelSize = 3) =>
    tfl.layers
      .conv2d({ name, filters, kernelSize, padding: 'same', useBias: false, kernelInitializer: tfl.initializers.glorotNormal({ seed: seed + filters + name.length }) })
      .apply(x) as tfl.SymbolicTensor;
  const bn = (name: string, x: tfl.SymbolicTensor) => tfl.layers.batchNormalization({ name }).apply(x) as tfl.SymbolicTensor;
  const relu = (x: tfl.SymbolicTensor) => tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  const a = relu(bn('bn_a', conv('conv_a', 6, input)));
  const b = relu(bn('bn_b', conv('conv_b', 4, a)));
  const c = relu(bn('bn_c', conv('conv_c', 5, a, 1)));
  const cat = tfl.layers.concatenate({ name: 'cat' }).apply([b, c]) as tfl.SymbolicTensor;
  const d = bn('bn_d', conv('conv_d', 6, cat));
  const e = bn('bn_e', conv('conv_e', 6, a, 1));
  const sum = relu(tfl.layers.add({ name: 'add' }).apply([d, e]) as tfl.SymbolicTensor);
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(sum) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'fc', units: 3, kernelInitializer: tfl.initializers.glorotNormal({ seed }) }).apply(pooled) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: 'branchy' });
}

/** Random 6×6×2 examples of 3 classes; the same batches for the same seed. */
export class NoiseDataset implements Dataset {
  async load(): Promise<DatasetInfo> {
    return { inputShape: [6, 6, 2], numClasses: 3, sizes: { train: 40, validation: 0, test: 0 } };
  }
  async *batches(_split: string, options: BatchOptions): AsyncIterable<Batch> {
    for (let i = 0; i * options.batchSize < 40; i++) {
      const n = Math.min(options.batchSize, 40 - i * options.batchSize);
      yield {
        x: tf.randomNormal([n, 6, 6, 2], 0, 1, 'float32', options.seed * 100 + i + 1),
        y: tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, k) => (k + i) % 3), 'int32'), 3)),
      };
    }
  }
}
