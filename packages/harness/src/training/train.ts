import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs-layers';
import { maskWeights, type Batch, type Ledger, type MaskedWeights, type WeightMasks, type StepHyperparameters } from '@prunebench/core';
import { streamBatches, type PassBatch, type TrainingData } from './batches';
import { countTopK, crossEntropy, outputsProbabilities } from './loss';
import { SgdOptimizer, type WeightDecayFilter } from './sgd';
import { progressed } from '../util/heartbeat';

export interface StepProgress {
  /** 0-based optimizer step (index into the hyperparameters). */
  step: number;
  /** 0-based epoch. */
  epoch: number;
  /** This step's mean training loss and accuracy on its batch. */
  loss: number;
  accuracy: number;
  lr: number;
  momentum: number;
  samples: number;
  imagesPerSecond: number;
}

export interface EpochRecord {
  /** 0-based epoch. */
  epoch: number;
  steps: number;
  samples: number;
  /** Mean training loss and accuracy over the epoch's samples (training mode, before each update). */
  loss: number;
  accuracy: number;
  /** Learning rate and momentum of the epoch's first and last step. */
  lrFirst: number;
  lr: number;
  momentum: number;
  imagesPerSecond: number;
  wallTimeMs: number;
  /** Loss and top-1 on the held-out validation split after the epoch (inference mode), when the run evaluates one each epoch (`evaluateEpoch`). */
  validationLoss?: number;
  validationTop1?: number;
}

/** What `evaluateEpoch` measured after an epoch: the held-out columns of its history row. */
export interface EpochValidation {
  validationLoss: number;
  validationTop1: number;
}

export interface TrainOptions {
  data: TrainingData;
  batchSize: number;
  /**
   * LR and momentum for every optimizer step (a schedule's output). The trainer takes exactly
   * `hyperparameters.length` steps, cycling passes over the data as needed.
   */
  hyperparameters: readonly StepHyperparameters[];
  /**
   * Steps per epoch, for the epoch boundaries of the history and callbacks. Default: one pass
   * over the data is one epoch.
   */
  stepsPerEpoch?: number;
  /** Coupled weight decay (PyTorch SGD's `weight_decay`). Default 0. */
  weightDecay?: number;
  /** Which variables decay: default `all` (kernels, biases, BatchNorm gamma/beta), as PyTorch. */
  weightDecayOn?: WeightDecayFilter;
  nesterov?: boolean;
  /**
   * Masks (1 keep, 0 prune) by weight variable name (a LayerVariable's `name`, or its
   * `originalName` like `conv2d_1/kernel`): applied before the first step and after every step.
   */
  masks?: WeightMasks;
  /** Seed of the data order (passed to the dataset). Default 0. */
  seed?: number;
  /** Charged with optimizer steps, samples and the wall time of `phase`. */
  ledger?: Ledger;
  /** Ledger phase name. Default `train`. */
  phase?: string;
  /**
   * An optimizer to use (e.g. restored from a checkpoint); its weight-decay and Nesterov
   * options win. Default: a fresh SgdOptimizer, disposed at the end.
   */
  optimizer?: SgdOptimizer;
  /** Whether the model outputs logits. Default: detected (a final softmax means probabilities). */
  fromLogits?: boolean;
  onStep?: (progress: StepProgress) => void;
  onEpoch?: (record: EpochRecord) => void;
  /**
   * Evaluates the model after every epoch (before `onEpoch`), e.g. on a validation split; its
   * figures join the epoch's history row. Its wall time is not the training phase's (the phase
   * clock stops while it runs): the callee charges it as evaluation. It must leave the model's
   * weights, the data order and every seed stream as they were, so training is unchanged by it.
   */
  evaluateEpoch?: (epoch: number) => Promise<EpochValidation>;
  /** Stops the run between steps (status `aborted`). */
  signal?: AbortSignal;
  /**
   * The divergence rule: a step whose loss exceeds `divergence` × max(step-0 loss, ln(classes))
   * stops the run with status `diverged` (a NaN/Inf loss always does). The ln(classes) floor —
   * the loss of a uniform guess — keeps a well-trained model's tiny step-0 loss from making the
   * bound too tight. Default: no bound (the harness passes DEFAULT_DIVERGENCE).
   */
  divergence?: number;
}

/** The harness's divergence factor unless a recipe sets `divergence`: 100 × the reference loss. */
export const DEFAULT_DIVERGENCE = 100;

export type TrainStatus = 'completed' | 'diverged' | 'aborted';

export interface TrainResult {
  status: TrainStatus;
  /** Optimizer steps taken (= hyperparameters.length when completed). */
  steps: number;
  samples: number;
  /** Epochs started (the last may be partial). */
  epochs: number;
  history: EpochRecord[];
  /** 0-based step whose loss was NaN/Inf (no update was applied for it). */
  divergedAtStep?: number;
  /** A sentence for logs, e.g. `diverged at step 12 (loss NaN)`. */
  message: string;
}

/**
 * The wall time of the training phase on the ledger, in segments: `stop` closes one (awaiting
 * the ledger's own bookkeeping, so nothing after it is counted), `start` opens the next.
 */
class PhaseClock {
  private end?: () => void;
  private closing?: Promise<void>;

  constructor(
    private readonly ledger: Ledger | undefined,
    private readonly phase: string,
  ) {}

  start(): void {
    if (!this.ledger || this.end) return;
    this.closing = this.ledger.time(this.phase, () => new Promise<void>((resolve) => (this.end = resolve)));
  }

  async stop(): Promise<void> {
    const end = this.end;
    this.end = undefined;
    end?.();
    await this.closing;
  }
}

/** Classes the model predicts: the size of its output's last axis. */
function outputClasses(model: LayersModel): number {
  const shape = model.outputs[0].shape;
  return Math.max(2, shape[shape.length - 1] ?? 2);
}

class EpochAccumulator {
  steps = 0;
  samples = 0;
  lossSum = 0;
  correct = 0;
  lrFirst = 0;
  lr = 0;
  momentum = 0;
  readonly start = performance.now();

  constructor(readonly epoch: number) {}

  add(samples: number, loss: number, correct: number, hp: StepHyperparameters): void {
    if (this.steps === 0) this.lrFirst = hp.lr;
    this.steps += 1;
    this.samples += samples;
    this.lossSum += loss * samples;
    this.correct += correct;
    this.lr = hp.lr;
    this.momentum = hp.momentum;
  }

  record(): EpochRecord {
    const wallTimeMs = performance.now() - this.start;
    return {
      epoch: this.epoch,
      steps: this.steps,
      samples: this.samples,
      loss: this.samples ? this.lossSum / this.samples : NaN,
      accuracy: this.samples ? this.correct / this.samples : NaN,
      lrFirst: this.lrFirst,
      lr: this.lr,
      momentum: this.momentum,
      imagesPerSecond: wallTimeMs > 0 ? (this.samples * 1000) / wallTimeMs : 0,
      wallTimeMs,
    };
  }
}

export interface StepOutcome {
  /** Mean loss of the batch (before the update). */
  loss: number;
  /** Examples of the batch whose top prediction was right. */
  correct: number;
  /** False when the loss was NaN/Inf: the update was not applied. */
  applied: boolean;
}

/**
 * One optimizer step on one batch: forward and backward in training mode, then (when the loss
 * is finite) the SGD update and the masks. `variables` are the tf.Variables behind the
 * optimizer's LayerVariables. The batch stays the caller's to dispose.
 */
export async function trainingStep(
  model: LayersModel,
  variables: tf.Variable[],
  batch: Batch,
  optimizer: SgdOptimizer,
  hyperparameters: StepHyperparameters,
  options: { fromLogits: boolean; masks?: MaskedWeights },
): Promise<StepOutcome> {
  let correct: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const outputs = model.apply(batch.x, { training: true }) as tf.Tensor;
    correct = tf.keep(countTopK(batch.y, outputs, 1));
    return crossEntropy(batch.y, outputs, options.fromLogits);
  }, variables);
  try {
    const loss = (await value.data())[0];
    const correctCount = (await correct!.data())[0];
    const applied = Number.isFinite(loss);
    if (applied) {
      optimizer.apply(grads, hyperparameters);
      options.masks?.apply();
    }
    return { loss, correct: correctCount, applied };
  } finally {
    tf.dispose([value, correct!]);
    tf.dispose(grads);
  }
}

/**
 * Trains `model` in place with SGD (PyTorch semantics, see SgdOptimizer) for exactly
 * `hyperparameters.length` steps: BatchNorm and dropout in training mode (BN moving
 * statistics update as a side effect), masks re-applied after every step, the ledger charged.
 * A NaN/Inf loss stops the run with status `diverged` (the offending step is not applied), and
 * so does a loss above the `divergence` bound;
 * an aborted signal stops it with `aborted`. Batches it reads are disposed here.
 */
export async function train(model: LayersModel, options: TrainOptions): Promise<TrainResult> {
  const { hyperparameters, batchSize, stepsPerEpoch } = options;
  if (stepsPerEpoch !== undefined && !(Number.isInteger(stepsPerEpoch) && stepsPerEpoch > 0)) {
    throw new RangeError(`stepsPerEpoch must be a positive integer, got ${stepsPerEpoch}`);
  }
  const layerVariables = model.trainableWeights;
  const variables = layerVariables.map((v) => v.read() as tf.Variable);
  const fromLogits = options.fromLogits ?? !outputsProbabilities(model);
  const optimizer =
    options.optimizer ??
    new SgdOptimizer(layerVariables, { weightDecay: options.weightDecay, weightDecayOn: options.weightDecayOn, nesterov: options.nesterov });
  const masks = options.masks ? maskWeights(model, options.masks) : undefined;
  const history: EpochRecord[] = [];
  let status = 'completed' as TrainStatus;
  let divergedAtStep: number | undefined;
  let divergedLoss = NaN;
  let lossBound = Infinity;
  let steps = 0;
  let samples = 0;
  const clock = new PhaseClock(options.ledger, options.phase ?? 'train');
  // Closes an epoch: its row, the per-epoch evaluation (off the training clock), the callback.
  const closeEpoch = async (epoch: EpochAccumulator) => {
    const record = epoch.record();
    if (options.evaluateEpoch && status !== 'aborted') {
      await clock.stop();
      try {
        Object.assign(record, await options.evaluateEpoch(record.epoch));
      } finally {
        clock.start();
      }
    }
    history.push(record);
    options.onEpoch?.(record);
  };

  const run = async () => {
    masks?.apply();
    const stream = streamBatches(options.data, batchSize, options.seed ?? 0);
    let epoch: EpochAccumulator | undefined;
    try {
      for (let step = 0; step < hyperparameters.length; step++) {
        // Let the event loop turn: on wasm/cpu every await resolves as a microtask, and signal
        // handlers (Ctrl-C, SIGTERM) only run when the loop gets to poll.
        await new Promise((resolve) => setImmediate(resolve));
        if (options.signal?.aborted) {
          status = 'aborted';
          break;
        }
        let stepStart = performance.now();
        const next: IteratorResult<PassBatch> = await stream.next();
        if (next.done) {
          throw new Error(`the training data ran out after ${step} of ${hyperparameters.length} steps (give a dataset or a function of the pass to cycle it)`);
        }
        const { batch, pass } = next.value;
        const epochIndex = stepsPerEpoch ? Math.floor(step / stepsPerEpoch) : pass;
        if (epoch && epoch.epoch !== epochIndex) {
          await closeEpoch(epoch);
          epoch = undefined;
          stepStart = performance.now();
        }
        epoch ??= new EpochAccumulator(epochIndex);
        const hp = hyperparameters[step];
        const batchSamples = batch.x.shape[0];
        let outcome: StepOutcome;
        try {
          outcome = await trainingStep(model, variables, batch, optimizer, hp, { fromLogits, masks });
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
        const { loss: lossValue, correct: correctValue } = outcome;
        if (step === 0 && options.divergence !== undefined && outcome.applied) {
          lossBound = options.divergence * Math.max(lossValue, Math.log(outputClasses(model)));
        }
        if (!outcome.applied || lossValue > lossBound) {
          status = 'diverged';
          divergedAtStep = step;
          divergedLoss = lossValue;
          break;
        }
        steps += 1;
        samples += batchSamples;
        options.ledger?.charge('optimizerSteps', 1);
        options.ledger?.charge('samples', batchSamples);
        progressed();
        epoch.add(batchSamples, lossValue, correctValue, hp);
        const seconds = (performance.now() - stepStart) / 1000;
        options.onStep?.({
          step,
          epoch: epochIndex,
          loss: lossValue,
          accuracy: correctValue / batchSamples,
          lr: hp.lr,
          momentum: hp.momentum,
          samples: batchSamples,
          imagesPerSecond: seconds > 0 ? batchSamples / seconds : 0,
        });
      }
    } finally {
      await stream.return(undefined);
    }
    if (epoch && epoch.steps > 0) await closeEpoch(epoch);
  };

  clock.start();
  try {
    await run();
  } finally {
    await clock.stop();
    masks?.dispose();
    if (!options.optimizer) optimizer.dispose();
  }

  const message =
    status === 'diverged'
      ? `diverged at step ${divergedAtStep} (loss ${divergedLoss}${Number.isFinite(divergedLoss) ? ` > ${lossBound.toPrecision(3)}, ${options.divergence} × the reference loss` : ''})`
      : status === 'aborted'
        ? `aborted after ${steps} of ${hyperparameters.length} steps`
        : `completed ${steps} steps`;
  return { status, steps, samples, epochs: history.length, history, divergedAtStep, message };
}
