import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** The slice of tfjs's (typed-as-internal) topology a layer-by-layer forward pass needs. */
interface SymbolicRef {
  id: number;
}
interface NodeRef {
  inputTensors: SymbolicRef[];
  outputTensors: SymbolicRef[];
  callArgs?: Record<string, unknown>;
}
interface LayerRef {
  name: string;
  getClassName(): string;
  inboundNodes: NodeRef[];
  apply(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

export interface TappedForwardOptions {
  /** Added to the named layers' outputs: with zeros inside `tf.grads`, their gradients are the activation gradients. */
  offsets?: ReadonlyMap<string, tf.Tensor>;
  /** Receives each tapped layer's output, kept from the surrounding tidy (the caller disposes them). */
  seen?: Map<string, tf.Tensor>;
  training?: boolean;
}

/**
 * Runs `model` on `x` one layer at a time, like `model.apply`, reading (and offsetting) the
 * outputs of the `tapped` layers — tfjs does not otherwise expose gradients with respect to
 * intermediate tensors.
 */
export function tappedForward(model: LayersModel, x: tf.Tensor, tapped: readonly string[], options: TappedForwardOptions = {}): tf.Tensor {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`a layer-by-layer pass needs a model with one input and one output; "${model.name}" has ${model.inputs.length} and ${model.outputs.length}`);
  }
  const wanted = new Set(tapped);
  for (const name of wanted) model.getLayer(name); // throws for an unknown layer name
  const values = new Map<number, tf.Tensor>([[(model.inputs[0] as unknown as SymbolicRef).id, x]]);
  for (const layer of model.layers as unknown as LayerRef[]) {
    if (layer.getClassName() === 'InputLayer') continue;
    for (const node of layer.inboundNodes) {
      if (node.inputTensors.length === 0 || !node.inputTensors.every((t) => values.has(t.id))) continue;
      if (node.outputTensors.every((t) => values.has(t.id))) continue;
      const inputs = node.inputTensors.map((t) => values.get(t.id)!);
      const result = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { ...(node.callArgs ?? {}), training: options.training === true });
      const outputs = Array.isArray(result) ? result : [result];
      outputs.forEach((output, i) => {
        let value = output;
        if (wanted.has(layer.name)) {
          if (outputs.length !== 1) throw new Error(`cannot tap layer "${layer.name}": it has ${outputs.length} outputs`);
          options.seen?.set(layer.name, tf.keep(output));
          const offset = options.offsets?.get(layer.name);
          if (offset) value = tf.add(output, offset);
        }
        values.set(node.outputTensors[i].id, value);
      });
    }
  }
  const output = values.get((model.outputs[0] as unknown as SymbolicRef).id);
  if (!output) throw new Error(`the layer-by-layer pass did not reach the output of "${model.name}"`);
  return output;
}

/**
 * Runs `work`; when `training`, restores every BatchNorm's moving mean and variance afterwards,
 * since a training-mode call of a tfjs BatchNormalization updates them.
 */
export function withFrozenBatchNorms<T>(model: LayersModel, training: boolean, work: () => T): T {
  if (!training) return work();
  const statistics = model.weights.filter((w) => /moving_(mean|variance)$/.test(w.originalName));
  const saved = statistics.map((w) => tf.clone(w.read()));
  try {
    return work();
  } finally {
    statistics.forEach((w, i) => w.write(saved[i]));
    tf.dispose(saved);
  }
}
