// Issue 25 item 4 as a user met it: `prune --finetune` of a MobileNetV2-style model (depthwise
// convs) on wasm crashed after pruning (no DepthwiseConv2dNativeBackpropInput on wasm) and saved
// nothing. Now it fine-tunes and saves.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { modelArtifacts, selectBackend, writeModelFiles } from '@prunebench/harness';
import { main } from '../main';
import { collectingIo } from '../test-io';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-depthwise-'));
beforeAll(async () => {
  await selectBackend('wasm');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** An inverted residual block: 1×1 expand → BN → ReLU → 3×3 depthwise → BN → ReLU → 1×1 project → BN, added to its input. */
function mobileNetV2Style(): tfl.LayersModel {
  type T = tfl.SymbolicTensor;
  const input = tfl.input({ shape: [8, 8, 3] });
  const stem = tfl.layers.reLU().apply(tfl.layers.batchNormalization({}).apply(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false }).apply(input))) as T;
  let h = tfl.layers.reLU().apply(tfl.layers.batchNormalization({}).apply(tfl.layers.conv2d({ filters: 16, kernelSize: 1, useBias: false }).apply(stem))) as T;
  h = tfl.layers.reLU().apply(tfl.layers.batchNormalization({}).apply(tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false }).apply(h))) as T;
  h = tfl.layers.batchNormalization({}).apply(tfl.layers.conv2d({ filters: 8, kernelSize: 1, useBias: false }).apply(h)) as T;
  const block = tfl.layers.add().apply([stem, h]) as T;
  const logits = tfl.layers.dense({ units: 3 }).apply(tfl.layers.globalAveragePooling2d({}).apply(block)) as T;
  return tfl.model({ inputs: input, outputs: logits });
}

it('prune --finetune of a model with depthwise convs trains on wasm and saves the fine-tuned model', async () => {
  const dir = path.join(root, 'mobilenet');
  const model = mobileNetV2Style();
  writeModelFiles(dir, await modelArtifacts(model));
  model.dispose();
  const out = path.join(root, 'tuned');
  const dataset = { use: 'synthetic', inputShape: [8, 8, 3], numClasses: 3, trainSize: 32, testSize: 16 };
  const io = collectingIo();
  const code = await main(['prune', dir, '--plan', 'uniform', '--ratio', '0.5', '--finetune', '--dataset', JSON.stringify(dataset), '--epochs', '1', '--batch-size', '16', '--out', out, '--backend', 'wasm', '--latency-runs', '1', '--throughput-batch', '2'], io);
  expect(io.stderr()).toBe('');
  expect(code).toBe(0);
  const report = JSON.parse(fs.readFileSync(path.join(out, 'pruning.json'), 'utf8'));
  expect(report.finetune).toMatchObject({ status: 'completed', steps: 2, epochs: 1 });
  expect(fs.existsSync(path.join(out, 'model.json'))).toBe(true);
});
