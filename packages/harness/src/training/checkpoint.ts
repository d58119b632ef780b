import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { fileSystemIO } from './fs-io';
import { writeDirAtomic } from '../util/atomic';
import type { SgdState } from './sgd';

const CHECKPOINT_JSON = 'checkpoint.json';
const OPTIMIZER_JSON = 'optimizer.json';
const OPTIMIZER_BIN = 'optimizer.bin';
const CHECKPOINT_FORMAT = 1;

export interface CheckpointContents {
  model: LayersModel;
  /** The optimizer state (SgdOptimizer.getState()), when there is one to keep. */
  optimizer?: SgdState;
  /** Anything JSON the caller wants back (epoch, seed, ledger, ...). */
  metadata?: Record<string, unknown>;
}

export interface LoadedCheckpoint {
  model: LayersModel;
  optimizer?: SgdState;
  metadata: Record<string, unknown>;
}

/**
 * Saves a model (model.json + weights.bin, custom layers included), the optimizer state and
 * metadata to `dir`, atomically: everything is written to a temp folder beside it, which is
 * then renamed into place (an older checkpoint there is replaced only after that succeeds).
 */
export async function saveCheckpoint(dir: string, contents: CheckpointContents): Promise<void> {
  await writeDirAtomic(path.resolve(dir), async (temp) => {
    await contents.model.save(fileSystemIO(temp));
    if (contents.optimizer) {
      const { step, buffers } = contents.optimizer;
      const chunks: Buffer[] = [];
      let offset = 0;
      const entries = buffers.map((b) => {
        const entry = { name: b.name, shape: b.shape, offset: b.values ? offset : null };
        if (b.values) {
          chunks.push(Buffer.from(b.values.buffer, b.values.byteOffset, b.values.byteLength));
          offset += b.values.byteLength;
        }
        return entry;
      });
      fs.writeFileSync(path.join(temp, OPTIMIZER_BIN), Buffer.concat(chunks));
      fs.writeFileSync(path.join(temp, OPTIMIZER_JSON), JSON.stringify({ step, buffers: entries }));
    }
    fs.writeFileSync(
      path.join(temp, CHECKPOINT_JSON),
      JSON.stringify({ format: CHECKPOINT_FORMAT, savedAt: new Date().toISOString(), metadata: contents.metadata ?? {} }, null, 2),
    );
  });
}

/** Whether `dir` holds a complete checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return fs.existsSync(path.join(dir, CHECKPOINT_JSON));
}

/** Loads what saveCheckpoint wrote. The caller owns (and disposes) the model. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const manifestPath = path.join(dir, CHECKPOINT_JSON);
  if (!fs.existsSync(manifestPath)) throw new Error(`no checkpoint in ${dir} (${CHECKPOINT_JSON} is missing)`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { format: number; metadata?: Record<string, unknown> };
  if (manifest.format !== CHECKPOINT_FORMAT) throw new Error(`checkpoint ${dir} has format ${manifest.format}, this version reads ${CHECKPOINT_FORMAT}`);
  const model = await loadLayersModel(fileSystemIO(dir));
  let optimizer: SgdState | undefined;
  if (fs.existsSync(path.join(dir, OPTIMIZER_JSON))) {
    const saved = JSON.parse(fs.readFileSync(path.join(dir, OPTIMIZER_JSON), 'utf8')) as {
      step: number;
      buffers: Array<{ name: string; shape: number[]; offset: number | null }>;
    };
    const bytes = fs.readFileSync(path.join(dir, OPTIMIZER_BIN));
    optimizer = {
      step: saved.step,
      buffers: saved.buffers.map((b) => {
        if (b.offset === null) return { name: b.name, shape: b.shape, values: null };
        const count = b.shape.reduce((x, y) => x * y, 1);
        const values = new Float32Array(count);
        new Uint8Array(values.buffer).set(bytes.subarray(b.offset, b.offset + count * 4));
        return { name: b.name, shape: b.shape, values };
      }),
    };
  }
  return { model, optimizer, metadata: manifest.metadata ?? {} };
}
