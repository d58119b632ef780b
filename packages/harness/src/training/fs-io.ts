import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

function flatten(weightData: tf.io.WeightData | undefined): Uint8Array {
  if (!weightData) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData));
}

/**
 * A tfjs IOHandler for a folder on disk (`model.json` + `weights.bin`, the standard TF.js
 * layers format), for backends without tfjs-node's `file://` handler (wasm, cpu). Loading
 * goes through tfjs-layers' deserialisation, so custom layers registered with
 * `tf.serialization.registerClass` round-trip.
 */
export function fileSystemIO(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('fileSystemIO saves layers models (JSON topology), not binary graph models');
      }
      fs.mkdirSync(dir, { recursive: true });
      const weights = flatten(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      fs.writeFileSync(path.join(dir, WEIGHTS_BIN), weights);
      fs.writeFileSync(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const modelJson = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: Buffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const file of group.paths) buffers.push(fs.readFileSync(path.join(dir, file)));
        }
        const joined = Buffer.concat(buffers);
        return [specs, joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength)];
      });
    },
  };
}
