import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { findUnsupportedLayers } from './unsupported-layers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('findUnsupportedLayers', () => {
  it('finds nothing in a model of known layers (Sequential included)', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3 }),
        tfl.layers.batchNormalization(),
        tfl.layers.reLU(),
        tfl.layers.separableConv2d({ filters: 4, kernelSize: 3 }),
        tfl.layers.globalAveragePooling2d({}),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    expect(findUnsupportedLayers(model)).toEqual([]);
    model.dispose();
  });

  it('names every layer of a class the graph has no rule for, and nested models', () => {
    const inner = tfl.sequential({ name: 'inner', layers: [tfl.layers.dense({ inputShape: [4], units: 4 })] });
    const input = tfl.input({ shape: [8, 8, 2] });
    let x = tfl.layers.conv2dTranspose({ name: 'up', filters: 2, kernelSize: 2, strides: 2 }).apply(input) as tfl.SymbolicTensor;
    x = tfl.layers.reshape({ name: 'flat', targetShape: [512] }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ units: 4 }).apply(x) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: inner.apply(x) as tfl.SymbolicTensor });
    expect(findUnsupportedLayers(model)).toEqual([
      { layer: 'up', className: 'Conv2DTranspose' },
      { layer: 'flat', className: 'Reshape' },
      { layer: 'inner', className: 'Sequential' },
    ]);
    model.dispose();
  });
});
