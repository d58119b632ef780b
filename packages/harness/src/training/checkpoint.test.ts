import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint';
import { SgdOptimizer } from './sgd';
import { BandsDataset, ChannelZeroPad, tinyResNet } from './synthetic-fixtures';
import { train } from './train';

describe('checkpoints', () => {
  let root: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-ckpt-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('round-trips a model with a custom layer, its BN statistics and the optimizer state', async () => {
    const model = tinyResNet(8, 10);
    const optimizer = new SgdOptimizer(model.trainableWeights, { weightDecay: 1e-4 });
    const data = new BandsDataset(8, 10, { train: 64, validation: 0, test: 0 });
    await train(model, { data: { dataset: data }, batchSize: 16, hyperparameters: [{ lr: 0.05, momentum: 0.9 }, { lr: 0.05, momentum: 0.9 }], optimizer });
    const dir = path.join(root, 'run', 'ckpt');
    await saveCheckpoint(dir, { model, optimizer: await optimizer.getState(), metadata: { epoch: 3 } });
    expect(hasCheckpoint(dir)).toBe(true);
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['ckpt']); // no temp folder left behind

    const loaded = await loadCheckpoint(dir);
    expect(loaded.metadata).toEqual({ epoch: 3 });
    expect(loaded.model.layers.some((l) => l instanceof ChannelZeroPad)).toBe(true);
    const weights = model.getWeights();
    const reloaded = loaded.model.getWeights();
    expect(reloaded.length).toBe(weights.length); // includes BN moving mean/variance
    weights.forEach((w, i) => expect(Array.from(reloaded[i].dataSync())).toEqual(Array.from(w.dataSync())));

    const x = tf.randomNormal([3, 8, 8, 1], 0, 1, 'float32', 2);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.model.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));

    const state = await optimizer.getState();
    expect(loaded.optimizer!.step).toBe(2);
    loaded.optimizer!.buffers.forEach((buffer, i) => {
      expect(buffer.shape).toEqual(state.buffers[i].shape);
      expect(Array.from(buffer.values!)).toEqual(Array.from(state.buffers[i].values!));
    });
    const restored = new SgdOptimizer(loaded.model.trainableWeights);
    restored.setState(loaded.optimizer!);
    expect(restored.step).toBe(2);

    tf.dispose([x, a, b]);
    restored.dispose();
    optimizer.dispose();
    loaded.model.dispose();
    model.dispose();
  });

  it('replaces an older checkpoint only once the new one is complete', async () => {
    const dir = path.join(root, 'replace');
    const first = tinyResNet(8, 10, 11);
    await saveCheckpoint(dir, { model: first, metadata: { version: 1 } });
    const broken = tinyResNet(8, 10, 12);
    const failing = Object.create(broken, { save: { value: async () => Promise.reject(new Error('disk full')) } });
    await expect(saveCheckpoint(dir, { model: failing })).rejects.toThrow('disk full');
    expect((await loadCheckpoint(dir).then((c) => (c.model.dispose(), c.metadata)))).toEqual({ version: 1 });
    await saveCheckpoint(dir, { model: broken, metadata: { version: 2 } });
    const loaded = await loadCheckpoint(dir);
    expect(loaded.metadata).toEqual({ version: 2 });
    expect(loaded.optimizer).toBeUndefined();
    expect(fs.readdirSync(root).filter((name) => name.startsWith('.'))).toEqual([]);
    [first, broken, loaded.model].forEach((m) => m.dispose());
  });

  it('says what is missing', async () => {
    await expect(loadCheckpoint(path.join(root, 'nothing'))).rejects.toThrow(/no checkpoint/);
  });
});
