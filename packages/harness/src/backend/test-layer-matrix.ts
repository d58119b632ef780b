// Tiny models, one per layer class the pruning graph supports (core/src/graph/builtin-rules.ts),
// and their gradients: the training matrix compares each backend's with tfjs's cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { BackendProvider } from '@prunebench/core';
import { cpuBackend } from './providers/cpu';

export interface LayerCase {
  /** The layer class under test (and a variant, when one class has several). */
  name: string;
  build: () => tfl.LayersModel;
  /** False for layers that are random in training mode (dropout, noise): compared in inference mode. */
  training: boolean;
  /** Examples per batch (default 2). */
  batch?: number;
}

type Make = (x: tfl.SymbolicTensor) => tfl.SymbolicTensor;
const seeded = (seed: number) => tfl.initializers.glorotUniform({ seed });
let seed = 1;
const conv = (filters: number, extra: Record<string, unknown> = {}) => tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', kernelInitializer: seeded(seed++), biasInitializer: 'ones', ...extra });

/** input → a conv (so gradients flow through the layer under test to trainable weights) → layer → a dense head. */
function imageCase(name: string, make: Make, options: { training?: boolean; shape?: number[]; head?: 'flatten' | 'none'; batch?: number } = {}): LayerCase {
  return {
    name,
    training: options.training ?? true,
    ...(options.batch ? { batch: options.batch } : {}),
    build: () => {
      seed = 1;
      const input = tfl.input({ shape: options.shape ?? [6, 6, 3] });
      const before = conv(4).apply(input) as tfl.SymbolicTensor;
      let y = make(before);
      if (options.head !== 'none' && y.shape.length > 2) y = tfl.layers.flatten().apply(y) as tfl.SymbolicTensor;
      const logits = tfl.layers.dense({ units: 3, kernelInitializer: seeded(99) }).apply(y) as tfl.SymbolicTensor;
      return tfl.model({ inputs: input, outputs: logits });
    },
  };
}

function sequenceCase(name: string, make: Make, rank: 1 | 3): LayerCase {
  return {
    name,
    training: true,
    build: () => {
      seed = 1;
      const input = tfl.input({ shape: rank === 1 ? [8, 3] : [4, 4, 4, 2] });
      const first = rank === 1
        ? tfl.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: seeded(7), biasInitializer: 'ones' })
        : tfl.layers.conv3d({ filters: 4, kernelSize: 2, padding: 'same', kernelInitializer: seeded(7), biasInitializer: 'ones' });
      let y = make(first.apply(input) as tfl.SymbolicTensor);
      if (y.shape.length > 2) y = tfl.layers.flatten().apply(y) as tfl.SymbolicTensor;
      const logits = tfl.layers.dense({ units: 3, kernelInitializer: seeded(99) }).apply(y) as tfl.SymbolicTensor;
      return tfl.model({ inputs: input, outputs: logits });
    },
  };
}

/** A layer made at build time (each build of a case gets fresh layers). */
const apply = (make: () => tfl.layers.Layer): Make => (x) => make().apply(x) as tfl.SymbolicTensor;
const merge = (make: () => tfl.layers.Layer): Make => (x) => {
  const a = conv(4).apply(x) as tfl.SymbolicTensor;
  const b = conv(4).apply(x) as tfl.SymbolicTensor;
  return make().apply([a, b]) as tfl.SymbolicTensor;
};

/**
 * Every layer class the pruning graph traces or passes channels through. Not here: ThresholdedReLU,
 * which tfjs cannot train on any backend (no gradient for its Greater).
 */
export const LAYER_CASES: LayerCase[] = [
  imageCase('Conv2D', apply(() => conv(5))),
  imageCase('Conv2D without bias', apply(() => conv(5, { useBias: false }))),
  imageCase('Conv2D stride 2', apply(() => conv(5, { strides: 2 }))),
  imageCase('DepthwiseConv2D', apply(() => tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthwiseInitializer: seeded(11), biasInitializer: 'ones' }))),
  imageCase('DepthwiseConv2D stride 2 valid, no bias', apply(() => tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'valid', useBias: false, depthwiseInitializer: seeded(12) }))),
  imageCase('DepthwiseConv2D multiplier 2', apply(() => tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', depthwiseInitializer: seeded(13) }))),
  imageCase('SeparableConv2D', apply(() => tfl.layers.separableConv2d({ filters: 5, kernelSize: 3, padding: 'same', depthwiseInitializer: seeded(14), pointwiseInitializer: seeded(15), biasInitializer: 'ones' }))),
  imageCase('BatchNormalization', apply(() => tfl.layers.batchNormalization({ gammaInitializer: tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 16 }) }))),
  imageCase('Dense', apply(() => tfl.layers.dense({ units: 4, kernelInitializer: seeded(17) }))),
  imageCase('Flatten', apply(() => tfl.layers.flatten())),
  imageCase('Activation relu', apply(() => tfl.layers.activation({ activation: 'relu' }))),
  imageCase('ReLU', apply(() => tfl.layers.reLU())),
  imageCase('LeakyReLU', apply(() => tfl.layers.leakyReLU({ alpha: 0.2 }))),
  imageCase('ELU', apply(() => tfl.layers.elu())),
  imageCase('Softmax', apply(() => tfl.layers.softmax({ axis: -1 }))),
  imageCase('MaxPooling2D', apply(() => tfl.layers.maxPooling2d({ poolSize: 2 }))),
  imageCase('AveragePooling2D', apply(() => tfl.layers.averagePooling2d({ poolSize: 2 }))),
  imageCase('AveragePooling2D 3x3 stride 1 same', apply(() => tfl.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }))),
  imageCase('GlobalAveragePooling2D', apply(() => tfl.layers.globalAveragePooling2d({}))),
  imageCase('GlobalMaxPooling2D', apply(() => tfl.layers.globalMaxPooling2d({}))),
  imageCase('ZeroPadding2D', apply(() => tfl.layers.zeroPadding2d({ padding: 1 }))),
  imageCase('Cropping2D', apply(() => tfl.layers.cropping2D({ cropping: 1 }))),
  // One example: tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad (the reference) is wrong for
  // every example after the first (checked against a plain loop; wasm's is right).
  imageCase('UpSampling2D', apply(() => tfl.layers.upSampling2d({ size: [2, 2] })), { batch: 1 }),
  imageCase('Dropout', apply(() => tfl.layers.dropout({ rate: 0.5 })), { training: false }),
  imageCase('GaussianNoise', apply(() => tfl.layers.gaussianNoise({ stddev: 0.1 })), { training: false }),
  imageCase('GaussianDropout', apply(() => tfl.layers.gaussianDropout({ rate: 0.2 })), { training: false }),
  imageCase('AlphaDropout', apply(() => tfl.layers.alphaDropout({ rate: 0.2 })), { training: false }),
  ...(['add', 'average', 'maximum', 'minimum', 'multiply'] as const).map((kind) => imageCase(`${kind[0].toUpperCase()}${kind.slice(1)}`, merge(() => tfl.layers[kind]({})))),
  imageCase('Concatenate', merge(() => tfl.layers.concatenate({}))),
  imageCase('residual add (conv-BN-ReLU block)', (x) => {
    const y = tfl.layers.batchNormalization({}).apply(conv(4).apply(x)) as tfl.SymbolicTensor;
    return tfl.layers.reLU().apply(tfl.layers.add().apply([x, y])) as tfl.SymbolicTensor;
  }),
  sequenceCase('Conv1D', apply(() => tfl.layers.conv1d({ filters: 5, kernelSize: 3, kernelInitializer: seeded(21) })), 1),
  sequenceCase('MaxPooling1D', apply(() => tfl.layers.maxPooling1d({ poolSize: 2 })), 1),
  sequenceCase('AveragePooling1D', apply(() => tfl.layers.averagePooling1d({ poolSize: 2 })), 1),
  sequenceCase('GlobalAveragePooling1D', apply(() => tfl.layers.globalAveragePooling1d({})), 1),
  sequenceCase('GlobalMaxPooling1D', apply(() => tfl.layers.globalMaxPooling1d({})), 1),
  sequenceCase('SpatialDropout1D', apply(() => tfl.layers.spatialDropout1d({ rate: 0 })), 1),
  sequenceCase('Conv3D', apply(() => tfl.layers.conv3d({ filters: 3, kernelSize: 2, kernelInitializer: seeded(22) })), 3),
  sequenceCase('MaxPooling3D', apply(() => tfl.layers.maxPooling3d({ poolSize: 2 })), 3),
  sequenceCase('AveragePooling3D', apply(() => tfl.layers.averagePooling3d({ poolSize: 2 })), 3),
];

/**
 * The model of `layerCase` on the current backend, with `weights` when given (read from the same
 * case built on another backend). Each backend builds its own model and batch: tfjs moves a
 * tensor between backends as raw bytes, and the cpu backend keeps an int32→float32 cast's data
 * as an Int32Array, which then reads as garbage on wasm.
 */
export function buildOnCurrentBackend(layerCase: LayerCase, weights?: Float32Array[]): tfl.LayersModel {
  const model = layerCase.build();
  if (weights) model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i], w.shape)));
  return model;
}

/** Every weight of `model` (trainable or not), read back, in getWeights() order (asynchronously: webgpu cannot read synchronously in Node). */
export async function readWeights(model: tfl.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => Float32Array.from(await w.data())));
}

/** A deterministic batch for `model` (2 examples unless told), and one-hot labels. */
export function batchFor(model: tfl.LayersModel, examples = 2): { x: tf.Tensor; y: tf.Tensor } {
  const shape = [examples, ...(model.inputs[0].shape.slice(1) as number[])];
  return tf.tidy(() => ({
    x: tf.randomUniform(shape, -1, 1, 'float32', 5),
    y: tf.cast(tf.oneHot(tf.tensor1d([0, 2, 1, 0].slice(0, examples), 'int32'), 3), 'float32'),
  }));
}

/** The loss and every trainable weight's gradient of one softmax cross-entropy step, read back. */
export async function lossAndGradients(model: tfl.LayersModel, batch: { x: tf.Tensor; y: tf.Tensor }, training: boolean): Promise<{ loss: number; grads: Record<string, Float32Array> }> {
  // Keyed by the weight's name in its layer (`conv2d_Conv2D3/kernel` → position + `kernel`): two
  // builds of one case number their layers differently.
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(batch.y, model.apply(batch.x, { training }) as tf.Tensor) as tf.Scalar, variables);
  const loss = (await value.data())[0];
  const out: Record<string, Float32Array> = {};
  for (const [i, v] of variables.entries()) out[`${i}:${model.trainableWeights[i].originalName.split('/').pop()}`] = (await grads[v.name].data()) as Float32Array;
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, grads: out };
}

/** The largest difference between two gradient sets, relative to max(1, |reference|); and where. */
export function largestDifference(reference: Record<string, Float32Array>, other: Record<string, Float32Array>): { difference: number; where: string } {
  let worst = { difference: 0, where: '' };
  for (const [name, ref] of Object.entries(reference)) {
    const got = other[name];
    if (!got || got.length !== ref.length) return { difference: Infinity, where: `${name}: missing or of another size` };
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(got[i] - ref[i]) / Math.max(1, Math.abs(ref[i]));
      if (!(d <= worst.difference)) worst = { difference: d, where: `${name}[${i}]: ${got[i]} vs ${ref[i]}` };
    }
  }
  return worst;
}

/**
 * Builds `layerCase` on tfjs's cpu backend and on `provider`'s with the same weights and batch,
 * and throws unless the loss and every gradient agree within 1e-4 (relative to max(1, |value|)).
 * Then `afterwards` gets the model and batch on `provider`'s backend (disposed after it).
 */
export async function expectGradientsLikeCpu(
  layerCase: LayerCase,
  provider: BackendProvider,
  afterwards?: (model: tfl.LayersModel, batch: { x: tf.Tensor; y: tf.Tensor }, referenceLoss: number) => Promise<void>,
): Promise<void> {
  await cpuBackend.load();
  const reference = await (async () => {
    const model = buildOnCurrentBackend(layerCase);
    const batch = batchFor(model, layerCase.batch);
    try {
      return { weights: await readWeights(model), ...(await lossAndGradients(model, batch, layerCase.training)) };
    } finally {
      tf.dispose([batch.x, batch.y]);
      model.dispose();
    }
  })();
  await provider.load();
  const model = buildOnCurrentBackend(layerCase, reference.weights);
  const batch = batchFor(model, layerCase.batch);
  try {
    const got = await lossAndGradients(model, batch, layerCase.training);
    if (!(Math.abs(got.loss - reference.loss) <= 1e-4 * Math.max(1, Math.abs(reference.loss)))) throw new Error(`loss ${got.loss} on ${provider.name}, ${reference.loss} on cpu`);
    const worst = largestDifference(reference.grads, got.grads);
    if (worst.difference > 1e-4) throw new Error(`gradient differs from cpu by ${worst.difference} at ${worst.where}`);
    await afterwards?.(model, batch, reference.loss);
  } finally {
    tf.dispose([batch.x, batch.y]);
    model.dispose();
  }
}
