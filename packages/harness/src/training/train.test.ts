import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { type Batch, RunLedger } from '@prunebench/core';
import { registerAcceleratedWasmKernels } from '@prunebench/backend-wasm';
import { evaluate } from './evaluate';
import { BandsDataset, tinyConvNet, tinyResNet } from './synthetic-fixtures';
import { train, type StepProgress } from './train';

const constant = (steps: number, lr = 0.05, momentum = 0.9) => Array.from({ length: steps }, () => ({ lr, momentum }));

// The trainer runs on the default embedded backend, wasm with the accelerated training kernels.
beforeAll(async () => {
  await tf.setBackend('wasm');
  registerAcceleratedWasmKernels({ force: true });
});

describe('train', () => {
  it('one epoch on synthetic data beats chance, with no leaked tensors across steps and epochs', async () => {
    const data = new BandsDataset();
    const model = tinyConvNet(8, 4);
    const ledger = new RunLedger();
    const before = tf.memory().numTensors;
    const perStep: number[] = [];
    const result = await train(model, {
      data: { dataset: data },
      batchSize: 16,
      hyperparameters: constant(16 * 2, 0.05),
      weightDecay: 1e-4,
      ledger,
      seed: 7,
      onStep: () => perStep.push(tf.memory().numTensors),
    });
    expect(result.status).toBe('completed');
    expect(result.steps).toBe(32);
    expect(result.epochs).toBe(2);
    expect(result.history.map((e) => e.steps)).toEqual([16, 16]);
    // After the first step created the momentum buffers, the count never changes.
    expect(new Set(perStep.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    expect(ledger.entries.optimizerSteps).toBe(32);
    expect(ledger.entries.samples).toBe(512);
    expect(ledger.entries.wallTimeMs.train).toBeGreaterThan(0);

    const evaluation = await evaluate(model, data, 'test', 32);
    expect(evaluation.samples).toBe(128);
    expect(evaluation.top1).toBeGreaterThan(0.5); // chance is 0.25
    expect(evaluation.top5).toBeUndefined(); // 4 classes
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('takes exactly as many steps as hyperparameters, cycling passes, and reports epochs', async () => {
    const data = new BandsDataset(8, 4, { train: 48, validation: 0, test: 0 });
    const model = tinyConvNet(8, 4);
    const seen: StepProgress[] = [];
    const result = await train(model, {
      data: { dataset: data },
      batchSize: 16,
      hyperparameters: Array.from({ length: 7 }, (_, t) => ({ lr: 0.01 * (t + 1), momentum: 0.9 - 0.01 * t })),
      onStep: (p) => seen.push(p),
    });
    expect(result.steps).toBe(7);
    expect(result.history.map((e) => [e.epoch, e.steps])).toEqual([[0, 3], [1, 3], [2, 1]]);
    expect(seen.map((p) => p.lr)).toEqual(Array.from({ length: 7 }, (_, t) => 0.01 * (t + 1)));
    expect(seen[6].momentum).toBeCloseTo(0.84);
    expect(result.history[1].lrFirst).toBeCloseTo(0.04);
    expect(result.history[1].lr).toBeCloseTo(0.06);

    const byEpoch = await train(model, { data: { dataset: data }, batchSize: 16, hyperparameters: constant(5), stepsPerEpoch: 2 });
    expect(byEpoch.history.map((e) => e.steps)).toEqual([2, 2, 1]);
    model.dispose();
  });

  it('updates BatchNorm moving statistics in training mode and uses them in evaluation', async () => {
    const data = new BandsDataset();
    const model = tinyConvNet(8, 4);
    const bn = model.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
    const movingMean = () => bn.weights.find((w) => /moving_mean/.test(w.name))!.read().dataSync().slice();
    const initial = movingMean();
    expect(Array.from(initial).every((v) => v === 0)).toBe(true);
    await train(model, { data: { dataset: data }, batchSize: 32, hyperparameters: constant(3) });
    expect(Array.from(movingMean()).some((v) => v !== 0)).toBe(true);

    // Inference mode is deterministic per example: a batch of one gives the same output as in a batch.
    const x = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 1);
    const all = model.apply(x, { training: false }) as tf.Tensor;
    const first = model.apply(tf.slice(x, [0, 0, 0, 0], [1, 8, 8, 1]), { training: false }) as tf.Tensor;
    const rowDiff = tf.max(tf.abs(tf.sub(tf.slice(all, [0, 0], [1, 4]), first))).dataSync()[0];
    expect(rowDiff).toBeLessThan(1e-5);
    tf.dispose([x, all, first]);
    model.dispose();
  });

  it('keeps masked weights exactly zero after every step', async () => {
    const data = new BandsDataset();
    const model = tinyConvNet(8, 4);
    const kernel = model.trainableWeights.find((w) => /conv2d.*kernel/.test(w.name))!;
    const size = kernel.shape.reduce((a, b) => a! * b!, 1)!;
    const mask = Float32Array.from({ length: size }, (_, i) => (i % 3 === 0 ? 0 : 1));
    const zeroAtEveryStep: boolean[] = [];
    await train(model, {
      data: { dataset: data },
      batchSize: 32,
      hyperparameters: constant(4, 0.1),
      weightDecay: 5e-4,
      masks: new Map([[kernel.originalName, mask]]),
      onStep: () => {
        const w = kernel.read().dataSync();
        zeroAtEveryStep.push(mask.every((m, i) => m === 1 || w[i] === 0));
      },
    });
    expect(zeroAtEveryStep).toEqual([true, true, true, true]);
    const w = kernel.read().dataSync();
    expect(mask.some((m, i) => m === 1 && w[i] !== 0)).toBe(true);
    await expect(
      train(model, { data: { dataset: data }, batchSize: 32, hyperparameters: constant(1), masks: new Map([['nope/kernel', mask]]) }),
    ).rejects.toThrow(/matches no weight/);
    model.dispose();
  });

  it('stops with "diverged at step N" on a NaN loss, without applying it or leaking', async () => {
    const model = tinyConvNet(8, 4);
    const good = new BandsDataset();
    async function* poisoned(): AsyncIterable<Batch> {
      let i = 0;
      for await (const batch of good.batches('train', { batchSize: 16, seed: 0, epoch: 0 })) {
        if (i++ === 2) {
          // NaN labels make the loss NaN on every backend (XNNPACK's relu/max-pool drop NaN inputs).
          const bad = tf.fill(batch.y.shape, NaN);
          batch.y.dispose();
          yield { x: batch.x, y: bad };
        } else yield batch;
      }
    }
    const before = tf.memory().numTensors;
    const result = await train(model, { data: poisoned(), batchSize: 16, hyperparameters: constant(10) });
    expect(result.status).toBe('diverged');
    expect(result.divergedAtStep).toBe(2);
    expect(result.steps).toBe(2);
    expect(result.message).toBe('diverged at step 2 (loss NaN)');
    expect(model.trainableWeights.every((w) => Array.from(w.read().dataSync()).every(Number.isFinite))).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('reports a run whose learning rate blows it up as diverged', async () => {
    const model = tinyConvNet(8, 4);
    const before = tf.memory().numTensors;
    const result = await train(model, { data: { dataset: new BandsDataset() }, batchSize: 16, hyperparameters: constant(40, 1e12) });
    expect(result.status).toBe('diverged');
    expect(result.message).toMatch(/^diverged at step \d+ \(loss (NaN|Infinity)\)$/);
    expect(result.steps).toBe(result.divergedAtStep);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('stops between steps when aborted', async () => {
    const model = tinyConvNet(8, 4);
    const controller = new AbortController();
    const result = await train(model, {
      data: { dataset: new BandsDataset() },
      batchSize: 16,
      hyperparameters: constant(10),
      signal: controller.signal,
      onStep: (p) => p.step === 1 && controller.abort(),
    });
    expect(result.status).toBe('aborted');
    expect(result.steps).toBe(2);
    model.dispose();
  });

  it('trains a model with a softmax output, a custom layer, Add and average pooling', async () => {
    const data = new BandsDataset(8, 10, { train: 128, validation: 0, test: 64 });
    const model = tinyResNet(8, 10);
    const result = await train(model, { data: { dataset: data }, batchSize: 32, hyperparameters: constant(8, 0.05) });
    expect(result.status).toBe('completed');
    expect(result.history[1].loss).toBeLessThan(result.history[0].loss);
    const evaluation = await evaluate(model, data, 'test', 16);
    expect(evaluation.top5).toBeGreaterThanOrEqual(evaluation.top1);
    model.dispose();
  });
});

describe('evaluate', () => {
  it('matches loss, top-1 and top-5 computed by hand from predictions', async () => {
    const data = new BandsDataset(8, 10, { train: 0, validation: 0, test: 50 });
    const model = tinyConvNet(8, 10);
    const evaluation = await evaluate(model, data, 'test', 16);
    let loss = 0;
    let top1 = 0;
    let top5 = 0;
    for await (const { x, y } of data.batches('test', { batchSize: 50, seed: 0, epoch: 0 })) {
      const logits = (model.predict(x) as tf.Tensor).arraySync() as number[][];
      const labels = (tf.argMax(y, -1).arraySync() as number[]);
      logits.forEach((row, i) => {
        const max = Math.max(...row);
        const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
        loss += logSum - row[labels[i]];
        const rank = row.filter((v) => v > row[labels[i]]).length;
        if (rank === 0) top1 += 1;
        if (rank < 5) top5 += 1;
      });
      tf.dispose([x, y]);
    }
    expect(evaluation.samples).toBe(50);
    expect(evaluation.loss).toBeCloseTo(loss / 50, 4);
    expect(evaluation.top1).toBeCloseTo(top1 / 50, 6);
    expect(evaluation.top5).toBeCloseTo(top5 / 50, 6);
    model.dispose();
  });
});

describe('the divergence rule', () => {
  const run = async (divergence?: number) => {
    const model = tinyConvNet(8, 4);
    const losses: number[] = [];
    const result = await train(model, {
      data: { dataset: new BandsDataset() },
      batchSize: 16,
      hyperparameters: constant(12, 50),
      divergence,
      onStep: (p) => losses.push(p.loss),
    });
    model.dispose();
    return { result, losses };
  };

  it('stops a run at LR 50 once its loss exceeds the bound, which a NaN-only rule lets run on', async () => {
    const before = tf.memory().numTensors;
    const unbounded = await run();
    // Reference: without a bound the loss explodes but stays finite, and the run "completes".
    expect(unbounded.result.status).toBe('completed');
    expect(Math.max(...unbounded.losses)).toBeGreaterThan(100 * Math.log(4));
    const bounded = await run(100);
    expect(bounded.result.status).toBe('diverged');
    const bound = 100 * Math.max(bounded.losses[0], Math.log(4));
    expect(bounded.result.divergedAtStep).toBe(unbounded.losses.findIndex((l) => l > bound));
    expect(bounded.result.message).toMatch(/^diverged at step \d+ \(loss [\d.e+]+ > [\d.e+]+, 100 × the reference loss\)$/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves a healthy run alone', async () => {
    const model = tinyConvNet(8, 4);
    const result = await train(model, { data: { dataset: new BandsDataset() }, batchSize: 16, hyperparameters: constant(12, 0.05), divergence: 100 });
    model.dispose();
    expect(result.status).toBe('completed');
  });
});

describe('evaluateEpoch (the original\'s per-epoch validation, issue 31)', () => {
  it('a per-epoch validation evaluation fills the history and changes no step of training', async () => {
    const data = new BandsDataset(8, 4, { train: 64, validation: 48, test: 16 });
    const options = { data: { dataset: data }, batchSize: 16, hyperparameters: constant(4 * 3, 0.05), weightDecay: 1e-4, seed: 11 };

    const plainLedger = new RunLedger();
    const plainModel = tinyConvNet(8, 4);
    const plain = await train(plainModel, { ...options, ledger: plainLedger });

    const ledger = new RunLedger();
    const model = tinyConvNet(8, 4);
    const snapshots: tf.Tensor[][] = [];
    const before = tf.memory().numTensors;
    const validated = await train(model, {
      ...options,
      ledger,
      evaluateEpoch: async () => {
        const e = await evaluate(model, data, 'validation', 32, { ledger });
        return { validationLoss: e.loss, validationTop1: e.top1 };
      },
      onEpoch: () => snapshots.push(model.getWeights().map((w) => w.clone())),
    });
    expect(tf.memory().numTensors - before).toBe(snapshots.flat().length);

    // Training is bit-identical: the same steps, samples, per-epoch loss and accuracy, and weights.
    expect(validated.steps).toBe(plain.steps);
    expect(validated.samples).toBe(plain.samples);
    const trainingColumns = (h: typeof plain.history) => h.map((e) => [e.epoch, e.steps, e.samples, e.loss, e.accuracy, e.lrFirst, e.lr, e.momentum]);
    expect(trainingColumns(validated.history)).toEqual(trainingColumns(plain.history));
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights).toEqual(plainModel.getWeights().map((w) => Array.from(w.dataSync())));
    expect(plain.history.every((e) => e.validationTop1 === undefined)).toBe(true);
    expect(ledger.entries.optimizerSteps).toBe(plainLedger.entries.optimizerSteps);
    expect(ledger.entries.samples).toBe(plainLedger.entries.samples);
    // The evaluations are charged as evaluation, off the training clock.
    expect(ledger.entries.wallTimeMs.evaluate).toBeGreaterThan(0);
    expect(ledger.entries.wallTimeMs.train).toBeGreaterThan(0);

    // Each row's figures are those of the model as it was after that epoch, evaluated afresh.
    expect(validated.history.map((e) => e.epoch)).toEqual([0, 1, 2]);
    for (const [i, row] of validated.history.entries()) {
      const copy = tinyConvNet(8, 4);
      copy.setWeights(snapshots[i]);
      const fresh = await evaluate(copy, data, 'validation', 48, { foldBatchNorm: false });
      copy.dispose();
      expect(fresh.samples).toBe(48);
      expect(row.validationTop1).toBe(fresh.top1);
      expect(row.validationLoss).toBeCloseTo(fresh.loss, 5);
    }
    // The epochs differ (the model trains), so a row is not a stale copy of another.
    expect(new Set(validated.history.map((e) => e.validationLoss)).size).toBe(3);
    tf.dispose(snapshots.flat());
    model.dispose();
    plainModel.dispose();
  });
});
