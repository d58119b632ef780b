import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';

/** Tests of the models run on the backend users get: wasm with prunebench's training kernels. */
export async function useWasmBackend(): Promise<void> {
  await useBackend(wasmBackend);
}

function randomBatch(model: tfl.LayersModel, batch: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const inputShape = model.inputs[0].shape.slice(1) as number[];
  const classes = model.outputs[0].shape[1] as number;
  return tf.tidy(() => ({
    x: tf.randomNormal([batch, ...inputShape], 0, 1, 'float32', seed),
    y: tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % classes), 'int32'), classes),
  }));
}

/** Forward pass: logits of shape [batch, classes], all finite. Leaves no tensor behind. */
export function forwardLogits(model: tfl.LayersModel, batch = 2, seed = 1): Float32Array {
  const { x, y } = randomBatch(model, batch, seed);
  const logits = model.predict(x) as tf.Tensor;
  const shape = logits.shape;
  const values = logits.dataSync() as Float32Array;
  tf.dispose([x, y, logits]);
  if (shape[0] !== batch || shape[1] !== (model.outputs[0].shape[1] as number)) {
    throw new Error(`unexpected output shape ${JSON.stringify(shape)}`);
  }
  return Float32Array.from(values);
}

/**
 * One SGD step with softmax cross-entropy on the logits. Returns the loss and how much the
 * first kernel moved; asserts (by throwing) that the step left no tensor behind.
 */
export async function trainOneStep(model: tfl.LayersModel): Promise<{ loss: number; moved: number }> {
  model.compile({ optimizer: tf.train.sgd(0.05), loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred) });
  const { x, y } = randomBatch(model, 2, 3);
  const kernel = model.layers.find((l) => l.weights.length > 0)!.getWeights()[0];
  const before = kernel.clone();
  const tensors = tf.memory().numTensors;
  const loss = (await model.trainOnBatch(x, y)) as number;
  const leaked = tf.memory().numTensors - tensors;
  const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(model.layers.find((l) => l.weights.length > 0)!.getWeights()[0], before)))).dataSync()[0];
  tf.dispose([x, y, before]);
  model.optimizer.dispose();
  if (leaked !== 0) throw new Error(`a training step left ${leaked} tensors behind`);
  return { loss, moved };
}

/** Saves to memory and loads back (no files, no checkpoint code). */
export async function roundTrip(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tfl.loadLayersModel(tf.io.fromMemory(saved!));
}
