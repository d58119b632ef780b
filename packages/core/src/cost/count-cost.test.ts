import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { countCost } from './count-cost';
import { registerLayerRule } from '../graph/layer-rules';
import { kernelMacs } from './mac-rules';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function buildNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 3] });
  let x = tfl.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, strides: 2, padding: 'same', useBias: false }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ name: 'fc', units: 5 }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x });
}

describe('countCost', () => {
  it('counts trainable params and multiply-accumulates per layer', () => {
    const model = buildNet();
    const cost = countCost(model);
    const byName = Object.fromEntries(cost.layers.map((l) => [l.name, l]));
    // conv: 3·3·3·4 weights + 4 biases; 3·3·3·4 MACs at each of 8·8 positions.
    expect(byName.conv).toMatchObject({ params: 112, macs: 108 * 64, outputShape: [8, 8, 4] });
    // BN: gamma and beta only (moving statistics are not trainable).
    expect(byName.bn).toMatchObject({ params: 8, macs: 0 });
    // depthwise 3×3 with stride 2: 3·3·4 MACs at 4·4 positions.
    expect(byName.dw).toMatchObject({ params: 36, macs: 36 * 16 });
    // flatten of 2·2·4 = 16 → 5 units.
    expect(byName.fc).toMatchObject({ params: 16 * 5 + 5, macs: 80 });
    expect(cost.params).toBe(112 + 8 + 36 + 85);
    expect(cost.macs).toBe(6912 + 576 + 80);
    expect(cost.nonZeroParams).toBe(cost.params);
    expect(countCost(model, { includeBatchNorm: false }).params).toBe(cost.params - 8);
    model.dispose();
  });

  it('counts the params a weight mask keeps', () => {
    const model = buildNet();
    const kernel = model.getLayer('conv').weights[0];
    const mask = new Float32Array(108);
    for (let i = 0; i < 108; i += 4) mask[i] = 1;
    const cost = countCost(model, { masks: new Map([[kernel.name, mask]]) });
    expect(cost.nonZeroParams).toBe(cost.params - 108 + 27);
    expect(cost.layers.find((l) => l.name === 'conv')!.nonZeroParams).toBe(27 + 4);
    model.dispose();
  });

  it("counts a plugin's layer by the MACs its layer rule declares (the one place MACs are counted)", () => {
    class Squares extends tfl.layers.Layer {
      static readonly className = 'CostTestSquares';
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        return tf.tidy(() => tf.square([inputs].flat()[0]));
      }
    }
    tf.serialization.registerClass(Squares);
    // One multiply per element of its 8·8·3 input: a rule with a cost of its own.
    registerLayerRule({ className: 'CostTestSquares', trace: (t) => t.inputs[0], macs: (layer) => (layer.outputShape as number[]).slice(1).reduce((a, b) => a * b, 1) });
    const input = tfl.input({ shape: [8, 8, 3] });
    const squared = new Squares({ name: 'squares' }).apply(input) as tfl.SymbolicTensor;
    const conv = tfl.layers.conv2d({ name: 'conv', filters: 2, kernelSize: 1 }).apply(squared) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: conv });
    const byName = Object.fromEntries(countCost(model).layers.map((l) => [l.name, l.macs]));
    expect(byName).toEqual({ [model.layers[0].name]: 0, squares: 192, conv: kernelMacs(model.getLayer('conv')) });
    expect(byName.conv).toBe(3 * 2 * 64);
    model.dispose();
  });
});
