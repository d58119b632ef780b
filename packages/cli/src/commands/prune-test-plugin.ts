// A plugin for the prune tests: it contributes no component, only a custom layer class that its
// module registers with tfjs serialization when loaded, as a model plugin's layers are.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { definePlugin, PLUGIN_API_VERSION } from '@prunebench/core';

export class PluginDoubleLayer extends tfl.layers.Layer {
  static readonly className = 'PluginDouble';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul([inputs].flat()[0], 2));
  }
}
tf.serialization.registerClass(PluginDoubleLayer);

export default definePlugin({ name: 'prunebench-plugin-prune-test', version: '0.0.1', apiVersion: PLUGIN_API_VERSION });
