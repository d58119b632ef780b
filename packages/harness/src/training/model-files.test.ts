import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '@prunebench/core';
import { selectBackend } from '../backend/select';
import { fileSystemIO } from './fs-io';
import { modelArtifacts, modelFromArtifacts, readModelArtifacts, writeModelFiles } from './model-files';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-model-files-'));
beforeAll(async () => {
  await selectBackend('wasm');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function smallModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 2] });
  const conv = tfl.layers.conv2d({ name: 'conv', filters: 8, kernelSize: 3, kernelInitializer: tfl.initializers.randomNormal({ seed: 1 }) }).apply(input);
  const out = tfl.layers.dense({ name: 'fc', units: 3 }).apply(tfl.layers.flatten().apply(conv)) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

describe('model files', () => {
  it('writes model.json and 4 MiB-style shards that tf.loadLayersModel reads over http, as a browser does', async () => {
    const model = smallModel();
    const dir = path.join(root, 'sharded');
    // A 100-byte shard size makes several shards of this small model (the real size is 4 MiB).
    const files = writeModelFiles(dir, await modelArtifacts(model), { shardBytes: 100 });
    const bytes = model.weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a! * b!, 1)!, 0);
    const count = Math.ceil(bytes / 100);
    expect(files).toEqual(['model.json', ...Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`)]);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(files.slice(1).map((f) => `./${f}`));

    // A fetch that serves the folder (JSON parsed in this realm: jest's sandbox has its own Symbol).
    const fetchFunc = async (url: string | URL | Request) => {
      const bytes = fs.readFileSync(new URL(String(url)).pathname.replace(/^\/files/, ''));
      return {
        ok: true,
        status: 200,
        json: async () => JSON.parse(bytes.toString('utf8')),
        arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      } as unknown as Response;
    };
    const loaded = await tfl.loadLayersModel(`http://localhost/files${dir}/model.json`, { fetchFunc });
    const x = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 5);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    loaded.dispose();
    model.dispose();
  });

  it('reads a folder, its model.json or a file:// URL, including weights.bin as tfjs-node saves it', async () => {
    const model = smallModel();
    const dir = path.join(root, 'single');
    await model.save(fileSystemIO(dir));
    for (const given of [dir, path.join(dir, 'model.json'), `file://${dir}`]) {
      const loaded = await modelFromArtifacts(readModelArtifacts(given), given);
      expect(loaded.getLayer('conv').getWeights()[0].arraySync()).toEqual(model.getLayer('conv').getWeights()[0].arraySync());
      loaded.dispose();
    }
    model.dispose();
  });

  it('refuses what is not a layers model, and a missing weight file, saying what is wrong', async () => {
    const dir = path.join(root, 'broken');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
    expect(() => readModelArtifacts(dir)).toThrow(UsageError);
    expect(() => readModelArtifacts(dir)).toThrow(/not a TF\.js layers model \(format "graph-model"\)/);

    const model = smallModel();
    const sharded = path.join(root, 'missing-shard');
    const shards = writeModelFiles(sharded, await modelArtifacts(model), { shardBytes: 100 }).slice(1);
    model.dispose();
    expect(shards.length).toBeGreaterThan(2);
    fs.rmSync(path.join(sharded, shards[1]));
    expect(() => readModelArtifacts(sharded)).toThrow(new RegExp(`names the weight file \\./${shards[1]}, which is missing`));
    fs.writeFileSync(path.join(dir, 'model.json'), '{ not json');
    expect(() => readModelArtifacts(dir)).toThrow(/is not valid JSON/);
  });
});
