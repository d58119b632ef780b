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

/**
 * Runs `model` on `x` one layer at a time, like `model.apply`, but adds `offsets.get(name)` to
 * the output of each named layer. Called with zero offsets inside `tf.grads`, the gradients
 * with respect to the offsets are the gradients of the loss with respect to those layers'
 * activations — which tfjs does not otherwise expose for intermediate tensors. `seen` receives
 * each tapped layer's activation (kept from the surrounding tidy: the caller disposes it).
 */
export function tappedForward(
  model: LayersModel,
  x: tf.Tensor,
  offsets: ReadonlyMap<string, tf.Tensor>,
  seen?: Map<string, tf.Tensor>,
): tf.Tensor {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`a layer-by-layer pass needs a model with one input and one output; "${model.name}" has ${model.inputs.length} and ${model.outputs.length}`);
  }
  const values = new Map<number, tf.Tensor>([[(model.inputs[0] as unknown as SymbolicRef).id, x]]);
  for (const layer of model.layers as unknown as LayerRef[]) {
    if (layer.getClassName() === 'InputLayer') continue;
    for (const node of layer.inboundNodes) {
      if (node.inputTensors.length === 0 || !node.inputTensors.every((t) => values.has(t.id))) continue;
      if (node.outputTensors.every((t) => values.has(t.id))) continue;
      const inputs = node.inputTensors.map((t) => values.get(t.id)!);
      const result = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { ...(node.callArgs ?? {}), training: false });
      const outputs = Array.isArray(result) ? result : [result];
      outputs.forEach((output, i) => {
        let value = output;
        const offset = offsets.get(layer.name);
        if (offset) {
          if (outputs.length !== 1) throw new Error(`cannot tap layer "${layer.name}": it has ${outputs.length} outputs`);
          seen?.set(layer.name, tf.keep(output));
          value = tf.add(output, offset);
        }
        values.set(node.outputTensors[i].id, value);
      });
    }
  }
  const output = values.get((model.outputs[0] as unknown as SymbolicRef).id);
  if (!output) throw new Error(`the layer-by-layer pass did not reach the output of "${model.name}"`);
  return output;
}
