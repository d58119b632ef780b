import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { countCost, createComponent, createPruneContext, RunLedger, runScope, type Dataset, type DatasetInfo, type ModelFactory, type Pruner } from '@prunebench/core';
import { loadCheckpoint } from '../training/checkpoint';
import { train } from '../training/train';
import type { StudyEnvironment } from './environment';
import { componentLabel } from './definition';
import { speedFromMeasurements, type Speed, type StudyShape } from './cost-model';
import { batching } from './budget';
import { DEFAULT_STALL_SECONDS, watchForStall } from './stall-watch';
import { guardedCall } from './engine-guard';
import { lastProgressAt, progressed } from '../util/heartbeat';

/** Steps timed per network (after WARM_UP_STEPS untimed ones, which compile kernels and fill caches). */
const TIMED_STEPS = 6;
const WARM_UP_STEPS = 2;
/** Building, loading and saving a model, writing a run's files: a fixed part of every run (seconds). */
const PER_RUN_SECONDS = 0.5;

export interface Calibration {
  shape: StudyShape;
  speed: Speed;
  /** What was measured, for the dry run's output: one line per network. */
  measured: Array<{ network: string; macs: number; examplesPerSecond: number }>;
  /** Pruners whose pruned size could not be found on an untrained network (they count as unpruned). */
  unmeasured: string[];
}

/**
 * Measures what the cost model needs, in this thread, on the backend already selected: the MACs of
 * the study's network and of each pruner's result (each pruner applied to a freshly initialised
 * network: a plan's kept-channel counts do not depend on training), and the training speed of the
 * largest and the smallest of them over a few steps on the study's own data. Takes seconds; writes nothing.
 */
export async function calibrateStudy(env: StudyEnvironment, dataset: Dataset, info: DatasetInfo, signal?: AbortSignal): Promise<Calibration> {
  const { study, container, registry } = env;
  const cut = batching(info.sizes.train, study.original.batchSize, study.original.dropLast);
  const build = async (): Promise<LayersModel> =>
    study.original.checkpoint
      ? (await loadCheckpoint(study.original.checkpoint)).model
      : createComponent<ModelFactory>(container, registry, 'model', study.model.id, study.model.options).build({ inputShape: info.inputShape, numClasses: info.numClasses, seed: 0 });

  const original = await build();
  const prunedMacs: Record<string, number> = {};
  const unmeasured: string[] = [];
  // The smallest pruned network, kept to time it; each pruner gets its own fresh network (a pruner may change or dispose what it is given).
  let smallest: { label: string; model: LayersModel; macs: number } | undefined;
  const dispose = (model: LayersModel | undefined) => {
    try {
      model?.dispose();
    } catch {
      // already disposed by the pruner that was given it
    }
  };
  try {
    const originalMacs = countCost(original).macs;
    for (const pruner of study.pruners) {
      const label = componentLabel(pruner);
      if (label in prunedMacs) continue;
      const input = await build();
      let model: LayersModel | undefined;
      try {
        // A plugin call that never returns must not hold the study before its first run: bounded
        // like a run's (stall-watch.ts); one that changes the engine has it restored (engine-guard.ts),
        // or every run would train on what it switched to. Either counts as unmeasured.
        progressed();
        const trial = guardedCall(label, () => pruneUntrained(env, pruner, input, dataset)).then((outcome) => outcome.result);
        model = await watchForStall(trial, {
          seconds: study.stallSeconds ?? DEFAULT_STALL_SECONDS,
          lastProgressAt,
          doing: () => `the cost model's trial of ${label}`,
          signal,
        });
        const macs = model ? countCost(model).macs : originalMacs;
        prunedMacs[label] = macs;
        if (model && model !== input && (!smallest || macs < smallest.macs)) {
          dispose(smallest?.model);
          smallest = { label, model, macs };
          model = undefined;
        }
      } catch {
        unmeasured.push(label);
      } finally {
        if (model !== input) dispose(model);
        dispose(input);
      }
    }
    const measured = [{ network: `${study.model.id} (original)`, macs: originalMacs, examplesPerSecond: await examplesPerSecond(original, dataset, study.original.batchSize) }];
    if (smallest && smallest.macs < originalMacs * 0.95) {
      measured.push({ network: `${study.model.id} pruned by ${smallest.label}`, macs: smallest.macs, examplesPerSecond: await examplesPerSecond(smallest.model, dataset, study.original.batchSize) });
    }
    const trainPerExample = 1 / measured[0].examplesPerSecond;
    const forwardFraction = Math.min(1, (await forwardSecondsPerExample(original, info)) / trainPerExample);
    const speed = speedFromMeasurements(measured.map((m) => ({ macs: m.macs, secondsPerExample: 1 / m.examplesPerSecond })), forwardFraction, PER_RUN_SECONDS);
    const examplesPerEpoch = cut.dropLast ? cut.stepsPerEpoch * cut.batchSize : cut.trainSize;
    const shape: StudyShape = { examplesPerEpoch, evaluatedExamples: info.sizes.test + info.sizes.validation, originalMacs, prunedMacs };
    return { shape, speed, measured, unmeasured };
  } finally {
    dispose(smallest?.model);
    dispose(original);
  }
}

/**
 * A pruner applied to an untrained network: its result's size is what the study's prunes will
 * have. Undefined for a pruner that keeps every channel (weight-level) or trains itself.
 */
async function pruneUntrained(env: StudyEnvironment, pruner: StudyEnvironment['study']['pruners'][number], original: LayersModel, dataset: Dataset): Promise<LayersModel | undefined> {
  const ledger = new RunLedger();
  const instance = createComponent<Pruner>(runScope(env.container, { seed: 0, ledger }), env.registry, 'pruner', pruner.id, pruner.options);
  // A weight-level pruner keeps every channel, and a self-training one would train here: both keep the original's size.
  if (!instance.requirements.structured || instance.requirements.trainsItself) return undefined;
  const result = await instance.prune(original, createPruneContext({ dataset: instance.requirements.needsData ? dataset : undefined, seed: 0, ledger }));
  return result.model;
}

/** Training examples per second of `model` on the study's data, over a few timed steps after warm-up ones. */
async function examplesPerSecond(model: LayersModel, dataset: Dataset, batchSize: number): Promise<number> {
  const weights = model.getWeights().map((w) => w.clone());
  const steps = (n: number) => Array.from({ length: n }, () => ({ lr: 1e-3, momentum: 0.9 }));
  try {
    await train(model, { data: { dataset, dropRemainder: true }, batchSize, hyperparameters: steps(WARM_UP_STEPS), seed: 0 });
    const started = performance.now();
    const result = await train(model, { data: { dataset, dropRemainder: true }, batchSize, hyperparameters: steps(TIMED_STEPS), seed: 1 });
    const seconds = (performance.now() - started) / 1000;
    return result.samples / Math.max(seconds, 1e-6);
  } finally {
    // The network is left as it was (the calibration must not change what it measured with).
    model.setWeights(weights);
    tf.dispose(weights);
  }
}

/** Seconds per example of a forward pass at the evaluation batch size. */
async function forwardSecondsPerExample(model: LayersModel, info: DatasetInfo): Promise<number> {
  const batch = 128;
  const x = tf.randomNormal([batch, ...info.inputShape]);
  try {
    // An asynchronous read: webgpu cannot read synchronously in Node.
    const run = async () => {
      const y = model.predict(x) as tf.Tensor;
      await y.data();
      y.dispose();
    };
    await run();
    const started = performance.now();
    await run();
    await run();
    return (performance.now() - started) / 1000 / (2 * batch);
  } finally {
    x.dispose();
  }
}
