import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildChannelGraph } from './build-graph';
import { applyKeptChannels } from './apply-kept-channels';
import { layerRuleFor, opaqueLayerRule, registerLayerRule, UnknownLayerError, type LayerRule } from './layer-rules';
import { Registry } from '../plugin/registry';
import { PLUGIN_API_VERSION } from '../plugin/plugin';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A custom layer: scales each channel by a learned factor (one weight per channel). */
class FixtureChannelScale extends tfl.layers.Layer {
  static readonly className = 'FixtureChannelScale';
  private scale!: tfl.LayerVariable;
  override build(shape: tfl.Shape | tfl.Shape[]): void {
    const channels = (shape as tfl.Shape)[(shape as tfl.Shape).length - 1] as number;
    this.scale = this.addWeight('scale', [channels], 'float32', tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 3 }));
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, this.scale.read()));
  }
}
tf.serialization.registerClass(FixtureChannelScale);

function customModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 2] });
  let x = tfl.layers.conv2d({ name: 'c1', filters: 4, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
  x = new FixtureChannelScale({ name: 'scale' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.conv2d({ name: 'c2', filters: 3, kernelSize: 1 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ name: 'fc', units: 2 }).apply(x) as tfl.SymbolicTensor });
}

/** Its rule: channels pass through where they are; the scale weight follows them on axis 0. */
const scaleRule: LayerRule = {
  className: 'FixtureChannelScale',
  weightAxes: (suffix) => (suffix === 'scale' ? { input: 0 } : {}),
  trace: (t) => {
    t.member(t.inputs[0], 'batchnorm');
    return t.inputs[0];
  },
};

describe('layer rules', () => {
  it('an unknown layer class is an error naming the layer, its class and how to register a rule', () => {
    const model = customModel();
    let error: unknown;
    try {
      buildChannelGraph(model);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownLayerError);
    expect((error as Error).message).toMatch(/layer "scale" is of class "FixtureChannelScale".*registerLayerRule\(.*layerRules/);
    model.dispose();
  });

  it('a plugin registers a rule (layerRules), and a model with the custom layer then prunes through it', () => {
    const registry = new Registry();
    registry.add({ name: 'prunebench-plugin-fixture-scale', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, layerRules: [scaleRule] }, { packageName: 'fixture' });
    expect(layerRuleFor('FixtureChannelScale')).toBe(scaleRule);
    const model = customModel();
    const graph = buildChannelGraph(model);
    const group = graph.groups.find((g) => g.producers.join() === 'c1')!;
    expect(group.prunable).toBe(true);
    expect(group.members.map((m) => `${m.layer}:${m.role}`)).toEqual(['c1:producer', 'scale:batchnorm', 'c2:consumer']);
    const pruned = applyKeptChannels(model, graph, new Map([[group.id, [0, 2]]]));
    expect(pruned.getLayer('scale').getWeights()[0].shape).toEqual([2]);
    expect(pruned.getLayer('c2').getWeights()[0].shape).toEqual([1, 1, 2, 3]);
    // The smaller model computes what the original does with channels 1 and 3 of c1 zeroed.
    const scale = model.getLayer('scale').getWeights()[0].dataSync();
    expect(Array.from(pruned.getLayer('scale').getWeights()[0].dataSync())).toEqual([scale[0], scale[2]]);
    tf.tidy(() => expect((pruned.predict(tf.ones([1, 4, 4, 2])) as tf.Tensor).shape).toEqual([1, 2]));
    pruned.dispose();
    model.dispose();
  });

  it('refuses a second, different rule for a class; the same rule again is fine', () => {
    registerLayerRule(scaleRule);
    expect(() => registerLayerRule(opaqueLayerRule('FixtureChannelScale'))).toThrow(/already has a layer rule/);
    expect(() => registerLayerRule({ className: '', trace: undefined } as never)).toThrow(/className/);
  });
});
