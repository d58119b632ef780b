import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Dataset, DatasetInfo, Ledger } from '@prunebench/core';
import { evaluateSplits, type SplitMetrics, type SplitPredictions } from '../training/evaluate';
import type { ResultStore } from './store';

/**
 * `predictions.bin` in a run folder: each evaluated example's top-1 class and its label, per
 * split (test, and validation when the dataset holds one out), so two runs evaluated on the same
 * test set can be compared example by example (McNemar's test; report/paired-tests.ts).
 *
 * Layout, little-endian: the 8 bytes `PBPRED01`; a uint32 header length H; H bytes of UTF-8 JSON
 * `{ "splits": [{ "name": "test", "examples": N }, ...] }`; then, per split in that order, N
 * uint16 predicted classes followed by N uint16 labels. 4 bytes per example and split.
 */
export const PREDICTIONS_FILE = 'predictions.bin';
const MAGIC = 'PBPRED01';

export type RunPredictions = Map<string, SplitPredictions>;

export function encodePredictions(splits: RunPredictions): Uint8Array {
  const header = Buffer.from(JSON.stringify({ splits: [...splits].map(([name, p]) => ({ name, examples: p.predicted.length })) }), 'utf8');
  const payload = [...splits.values()].reduce((n, p) => n + 4 * p.predicted.length, 0);
  const out = Buffer.alloc(8 + 4 + header.length + payload);
  out.write(MAGIC, 0, 'ascii');
  out.writeUInt32LE(header.length, 8);
  header.copy(out, 12);
  let offset = 12 + header.length;
  for (const p of splits.values()) {
    for (const values of [p.predicted, p.label]) {
      for (const v of values) {
        out.writeUInt16LE(v, offset);
        offset += 2;
      }
    }
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

export class InvalidPredictionsError extends Error {}

export function decodePredictions(bytes: Uint8Array, file = PREDICTIONS_FILE): RunPredictions {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const fail = (why: string) => new InvalidPredictionsError(`${file}: ${why}`);
  if (buf.length < 12 || buf.toString('ascii', 0, 8) !== MAGIC) throw fail(`not a predictions file (expected it to start with ${MAGIC})`);
  const headerLength = buf.readUInt32LE(8);
  let header: { splits?: Array<{ name: string; examples: number }> };
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + headerLength));
  } catch {
    throw fail('its header is not valid JSON');
  }
  const splits = header.splits ?? [];
  const expected = 12 + headerLength + splits.reduce((n, s) => n + 4 * s.examples, 0);
  if (buf.length !== expected) throw fail(`holds ${buf.length} bytes, its header describes ${expected}`);
  const out: RunPredictions = new Map();
  let offset = 12 + headerLength;
  const read = (n: number) => {
    const values = new Uint16Array(n);
    for (let i = 0; i < n; i++, offset += 2) values[i] = buf.readUInt16LE(offset);
    return values;
  };
  for (const s of splits) {
    const predicted = read(s.examples);
    out.set(s.name, { predicted, label: read(s.examples) });
  }
  return out;
}

/** A run's predictions from its folder; undefined when it wrote none (runs older than the file). */
export function readPredictions(runDir: string): RunPredictions | undefined {
  const file = path.join(runDir, PREDICTIONS_FILE);
  if (!fs.existsSync(file)) return undefined;
  return decodePredictions(fs.readFileSync(file), file);
}

/**
 * Evaluates the test split (and validation when there is one) keeping each example's
 * prediction, writes them to the run's `predictions.bin` (digested with its other artifacts),
 * and returns the metrics.
 */
export async function evaluateAndKeepPredictions(
  store: ResultStore,
  jobId: string,
  model: LayersModel,
  dataset: Dataset,
  info: DatasetInfo,
  ledger: Ledger,
): Promise<SplitMetrics> {
  const splits = await evaluateSplits(model, dataset, info, { ledger, predictions: true });
  const kept: RunPredictions = new Map();
  for (const [name, evaluation] of Object.entries(splits)) if (evaluation?.predictions) kept.set(name, evaluation.predictions);
  store.writeFile(jobId, PREDICTIONS_FILE, encodePredictions(kept));
  for (const evaluation of Object.values(splits)) if (evaluation) delete evaluation.predictions;
  return splits;
}
