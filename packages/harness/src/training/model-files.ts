import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '@prunebench/core';

/** What `tf.loadLayersModel` reads; a folder holding one is found by this name. */
export const MODEL_JSON = 'model.json';

/** Shard size of tfjs's own savers and converter: browsers fetch (and cache) 4 MiB pieces. */
export const SHARD_BYTES = 4 * 1024 * 1024;

/** How `writeModelFiles` splits the weights: tfjs's 4 MiB shards, or one file of this name. */
export type WeightFiles = { shardBytes: number } | { singleFile: string };

/** `file://dir`, `dir` or `dir/model.json` → the model.json file. */
export function modelJsonPath(given: string): string {
  const stripped = given.startsWith('file://') ? given.slice('file://'.length) : given;
  const resolved = path.resolve(stripped);
  if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) return path.join(resolved, MODEL_JSON);
  return resolved;
}

/**
 * Reads a layers model's artifacts (the standard TF.js format: model.json and the weight files
 * its manifest names, relative to it), refusing with what to do next anything that is not one.
 */
export function readModelArtifacts(given: string): tf.io.ModelArtifacts {
  const file = modelJsonPath(given);
  if (!fs.existsSync(file)) {
    throw new UsageError(`no TF.js model at ${given}: expected a model.json (or a folder holding one), as model.save() writes it`);
  }
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as tf.io.ModelJSON;
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  const topology = json.modelTopology as { class_name?: string; model_config?: unknown } | undefined;
  if (json.format === 'graph-model' || !topology || (topology.class_name === undefined && topology.model_config === undefined)) {
    throw new UsageError(
      `${file} is not a TF.js layers model (format "${json.format ?? 'unknown'}"): prunebench prunes models saved by ` +
        'tf.LayersModel.save() or converted with --output_format=tfjs_layers_model, not graph models',
    );
  }
  const dir = path.dirname(file);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    specs.push(...group.weights);
    for (const shard of group.paths) {
      const shardFile = path.resolve(dir, shard);
      if (!fs.existsSync(shardFile)) throw new UsageError(`${file} names the weight file ${shard}, which is missing (looked for ${shardFile})`);
      buffers.push(fs.readFileSync(shardFile));
    }
  }
  const joined = Buffer.concat(buffers);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata,
    weightSpecs: specs,
    weightData: joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength),
  };
}

/**
 * A LayersModel from artifacts. Layer classes must be registered with tfjs serialization first
 * (plugins register theirs when loaded); an unknown one is refused with how to make it known.
 */
export async function modelFromArtifacts(artifacts: tf.io.ModelArtifacts, source: string): Promise<tfl.LayersModel> {
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    const unknown = /Unknown layer: ([\w$]+)/.exec((error as Error).message ?? '');
    if (unknown) {
      throw new UsageError(
        `${source} uses the layer class "${unknown[1]}", which no loaded plugin registers with TensorFlow.js: ` +
          'pass --config FILE whose "plugins" include the one that defines it (its module must call tf.serialization.registerClass)',
        { cause: error },
      );
    }
    throw new UsageError(`${source} could not be loaded as a TF.js layers model: ${(error as Error).message}`, { cause: error });
  }
}

/** The artifacts `model.save` produces, in memory. */
export async function modelArtifacts(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return saved!;
}

/**
 * Writes artifacts in the standard TF.js layers format: `model.json` and its weights, by default
 * in `group1-shard<i>of<n>.bin` files of at most 4 MiB, named in the manifest relative to it, so
 * `tf.loadLayersModel('…/model.json')` loads it in a browser (http) and in Node (file://).
 * Returns the files written, model.json first.
 */
export function writeModelFiles(dir: string, artifacts: tf.io.ModelArtifacts, files: WeightFiles = { shardBytes: SHARD_BYTES }): string[] {
  if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error('only layers models (a JSON topology) are written as model files, not binary graph models');
  }
  const weights = artifacts.weightData ? new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData)) : new Uint8Array(0);
  const shardBytes = 'singleFile' in files ? Math.max(1, weights.byteLength) : files.shardBytes;
  const count = Math.max(1, Math.ceil(weights.byteLength / shardBytes));
  const shards = 'singleFile' in files ? [files.singleFile] : Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  fs.mkdirSync(dir, { recursive: true });
  shards.forEach((name, i) => fs.writeFileSync(path.join(dir, name), weights.subarray(i * shardBytes, (i + 1) * shardBytes)));
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: shards.map((s) => `./${s}`), weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  fs.writeFileSync(path.join(dir, MODEL_JSON), JSON.stringify(json));
  return [MODEL_JSON, ...shards];
}

/** The model loaded from a model.json path, a folder holding one, or a `file://` URL of either. */
export async function loadModelFile(given: string): Promise<tfl.LayersModel> {
  return modelFromArtifacts(readModelArtifacts(given), modelJsonPath(given));
}

/** Whether `given` is written as a path (a .json file, a folder, a `file://` URL) rather than a model id. */
export function looksLikeModelFile(given: string): boolean {
  return given.startsWith('file://') || /\.json$/i.test(given) || given.includes('/') || given.includes(path.sep) || fs.existsSync(given);
}
