import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MODEL_JSON, readModelArtifacts, writeModelFiles } from './model-files';

export const WEIGHTS_BIN = 'weights.bin';

/**
 * A tfjs IOHandler for a folder on disk (`model.json` + `weights.bin`, the standard TF.js
 * layers format), for backends without tfjs-node's `file://` handler (wasm, cpu). Loading
 * goes through tfjs-layers' deserialisation, so custom layers registered with
 * `tf.serialization.registerClass` round-trip.
 */
export function fileSystemIO(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      writeModelFiles(dir, artifacts, { singleFile: WEIGHTS_BIN });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      return readModelArtifacts(path.join(dir, MODEL_JSON));
    },
  };
}
