import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { batchesPerEpoch, ConfigError, ConfigErrors, createComponent, DatasetError, UsageError, type Dataset, type DatasetInfo, type ModelFactory } from '@prunebench/core';
import { loadCheckpoint } from '../training/checkpoint';
import type { StudyEnvironment } from './environment';

/** The dataset option a DatasetError is about, from the words of its message. */
function datasetKey(error: DatasetError): string {
  const option = /\b(trainSize|testSize|validationSize|imageSize)\b/.exec(error.message)?.[1];
  if (option) return `dataset.${option}`;
  return error.file !== undefined || /\bpath\b|file|folder/.test(error.message) ? 'dataset.path' : 'dataset';
}

/** A component's own config errors, re-rooted at its key. */
function rooted(error: unknown, key: string, file?: string): ConfigErrors | undefined {
  if (error instanceof ConfigErrors) {
    return new ConfigErrors(error.errors.map((e) => new ConfigError(e.keyPath && !e.keyPath.startsWith(key) ? `${key}.${e.keyPath}` : e.keyPath || key, e.problem, file)));
  }
  if (error instanceof DatasetError) return new ConfigErrors([new ConfigError(datasetKey(error), error.message, file)]);
  if (error instanceof UsageError) return new ConfigErrors([new ConfigError(key, error.message, file)]);
  return undefined;
}

/**
 * Checks, before anything is written, what would otherwise fail every run of the study: the
 * results folder can be one, the dataset opens (files exist and parse, the sizes fit), its train
 * split gives at least one batch and yields it, the model builds for the data (or the given
 * checkpoint loads). Needs the study's backend selected. Throws ConfigErrors (exit 2) naming the
 * key to fix. Pruners and schedules were checked when the study was opened.
 */
export async function preflightStudy(env: StudyEnvironment): Promise<DatasetInfo> {
  const { study, container, registry } = env;
  const file = study.configFile ?? undefined;
  const fail = (key: string, problem: string) => new ConfigErrors([new ConfigError(key, problem, file)]);
  if (fs.existsSync(study.out) && !fs.statSync(study.out).isDirectory()) {
    throw fail('out', `${study.out} is a file, not a folder: give --out (or "out" in the config) a folder for the results`);
  }

  let dataset: Dataset;
  let info: DatasetInfo;
  try {
    dataset = createComponent<Dataset>(container, registry, 'dataset', study.dataset.id, study.dataset.options);
    info = await dataset.load();
  } catch (error) {
    throw rooted(error, 'dataset', file) ?? fail('dataset', `cannot be opened: ${(error as Error)?.message ?? error}`);
  }
  const { batchSize } = study.original;
  if (batchesPerEpoch(info.sizes.train, batchSize, true) < 1) {
    throw fail(
      'dataset.trainSize',
      `the train split has ${info.sizes.train} examples, fewer than one batch of ${batchSize} (original.batchSize): give more training data or a smaller batch`,
    );
  }
  if (info.sizes.test < 1) throw fail('dataset.testSize', 'the test split is empty: every run is scored on it, so give it examples');
  try {
    for await (const batch of dataset.batches('train', { batchSize, seed: 0, epoch: 0 })) {
      tf.dispose([batch.x, batch.y]);
      break;
    }
  } catch (error) {
    throw rooted(error, 'dataset', file) ?? fail('dataset', `its first training batch cannot be read: ${(error as Error)?.message ?? error}`);
  }

  if (study.original.checkpoint) {
    try {
      (await loadCheckpoint(study.original.checkpoint)).model.dispose();
    } catch (error) {
      throw fail('original.checkpoint', `${(error as Error)?.message ?? error}: give a folder a \`prunebench run\` saved a model to`);
    }
  } else {
    try {
      const factory = createComponent<ModelFactory>(container, registry, 'model', study.model.id, study.model.options);
      factory.build({ inputShape: info.inputShape, numClasses: info.numClasses, seed: study.seeds[0] }).dispose();
    } catch (error) {
      throw rooted(error, 'model', file) ?? fail('model', `cannot be built for this dataset (input ${info.inputShape.join('×')}, ${info.numClasses} classes): ${(error as Error)?.message ?? error}`);
    }
  }
  return info;
}
