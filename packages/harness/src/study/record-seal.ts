import { createHash } from 'node:crypto';
import { stableStringify } from '../util/hash';
import type { RunRecord } from './record';

/**
 * A run.json's seal: the SHA-256 of everything else the record holds (status, metrics, costs,
 * ledger, the artifacts list and their digests, ...). The run's id covers only its definition;
 * the seal covers what the run produced, so a record whose metrics, costs, status or artifacts
 * list were edited after the run wrote it is not trusted (verify.ts) and the run is redone.
 */
export function recordSeal(record: Omit<RunRecord, 'seal'>): string {
  const { seal: _seal, ...sealed } = record as RunRecord;
  return createHash('sha256').update(stableStringify(sealed)).digest('hex');
}

/** The record as written: sealed over all its other fields. */
export function sealRecord(record: RunRecord): RunRecord {
  return { ...record, seal: recordSeal(record) };
}

/** Why `record`'s seal does not hold, or undefined when it does. */
export function brokenSeal(record: RunRecord): string | undefined {
  if (!record.seal) return 'carries no seal (written by an older prunebench, or edited)';
  if (record.seal !== recordSeal(record)) return 'was edited after the run wrote it (its seal does not match its fields: metrics, costs, status or artifacts)';
  return undefined;
}
