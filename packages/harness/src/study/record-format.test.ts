import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { emptyLedgerEntries } from '@prunebench/core';
import { parseRunRecord, upgradeRunRecord } from './record-format';
import { RUN_RECORD_FORMAT } from './record';
import { ResultStore } from './store';
import { checkRecord } from './verify';
import { sealRecord } from './record-seal';
import type { RunRecord } from './record';
import { definitionHash } from '../util/hash';

const definition = { kind: 'prune', original: 'original-abc', pruner: { id: 'l1', options: {} }, seed: 0 };
const id = `prune-${definitionHash(definition)}`;
/** A finished prune's run.json as format 1 wrote it: no `format`, MACs under `flops`. */
const formatOne = {
  id, kind: 'prune', status: 'finished', seed: 0, pruner: 'l1', definition, configFile: null,
  versions: { prunebench: '0.1.0', tfjs: '4.22.0', backend: 'wasm' },
  ledger: emptyLedgerEntries(), metrics: { test: { loss: 1, top1: 0.5 } },
  cost: { before: { params: 10, flops: 400 }, after: { params: 5, flops: 100, nonZeroParams: 5 } },
  iterative: { steps: 2, log: [{ step: 1, params: 8, flops: 200 }, { step: 2, params: 5, flops: 100 }] },
  artifacts: {}, startedAt: '', finishedAt: '',
};

describe('run.json format 2', () => {
  it('reads a format-1 record with its flops figures as macs (the same numbers)', () => {
    const record = upgradeRunRecord(structuredClone(formatOne));
    expect(record.format).toBe(RUN_RECORD_FORMAT);
    expect(record.cost).toEqual({ before: { params: 10, macs: 400 }, after: { params: 5, macs: 100, nonZeroParams: 5 } });
    expect(record.iterative!.log).toEqual([{ step: 1, params: 8, macs: 200 }, { step: 2, params: 5, macs: 100 }]);
  });

  it('leaves a current record as it is', () => {
    const current = { ...structuredClone(formatOne), format: 2, cost: { before: { params: 10, macs: 400 }, after: { params: 5, macs: 100 } } };
    expect(upgradeRunRecord(current)).toBe(current);
  });

  it('is what the store writes, and a format-1 run.json on disk passes the record checks', () => {
    const store = new ResultStore(fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-format-')));
    try {
      store.writeFile(id, 'model/model.json', '{}');
      store.writeFile(id, 'model/weights.bin', new Uint8Array(8));
      const { format: _omitted, ...unstamped } = upgradeRunRecord(structuredClone(formatOne));
      store.write(unstamped);
      const written = JSON.parse(fs.readFileSync(path.join(store.runDir(id), 'run.json'), 'utf8'));
      expect(written).toMatchObject({ format: 2, cost: { before: { macs: 400 } } });
      expect(JSON.stringify(written)).not.toMatch(/flops/);
      expect(checkRecord(store, id)).toHaveProperty('record');

      // As a format-1 prunebench sealed it: over its flops figures.
      const v1 = sealRecord({ ...formatOne, artifacts: written.artifacts } as unknown as RunRecord);
      fs.writeFileSync(path.join(store.runDir(id), 'run.json'), JSON.stringify(v1));
      const checked = checkRecord(store, id);
      expect(checked && 'record' in checked ? checked.record.cost : checked).toEqual({ before: { params: 10, macs: 400 }, after: { params: 5, macs: 100, nonZeroParams: 5 } });
      expect(store.read(id)?.cost?.after.macs).toBe(100);
    } finally {
      fs.rmSync(store.outDir, { recursive: true, force: true });
    }
  });

  it('refuses a record of a format it does not know, and format-2 figures without macs', () => {
    const store = new ResultStore(fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-format-')));
    try {
      fs.mkdirSync(store.runDir(id), { recursive: true });
      fs.writeFileSync(path.join(store.runDir(id), 'run.json'), JSON.stringify({ ...formatOne, format: 3 }));
      expect(checkRecord(store, id)).toMatchObject({ why: expect.stringMatching(/not a valid run record.*format/) });
      fs.writeFileSync(path.join(store.runDir(id), 'run.json'), JSON.stringify({ ...formatOne, format: 2 }));
      expect(checkRecord(store, id)).toMatchObject({ why: expect.stringMatching(/macs/) });
    } finally {
      fs.rmSync(store.outDir, { recursive: true, force: true });
    }
  });

  it('parses text, and throws on text that is not JSON', () => {
    expect(parseRunRecord(JSON.stringify(formatOne)).cost?.before.macs).toBe(400);
    expect(() => parseRunRecord('{"id":')).toThrow(SyntaxError);
  });
});
