import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { fileDigest } from '../util/digest';
import { definitionHash } from '../util/hash';
import { jobKind, jobKinds } from './kinds';
import type { JobBase } from './kinds/job-kind';
import { isComplete, RUN_RECORD_FORMAT, type RunRecord } from './record';
import { upgradeRunRecord } from './record-format';
import { brokenSeal } from './record-seal';
import type { ResultStore } from './store';

/** Why a run's record (or a file it made) is not trusted: the file, relative to the run folder. */
export interface Rejection {
  id: string;
  file: string;
  why: string;
}

const metrics = {
  type: 'object',
  required: ['loss', 'top1'],
  // A blown-up model's loss is Infinity, which JSON writes as null.
  properties: { loss: { type: ['number', 'null'] }, top1: { type: 'number', minimum: 0, maximum: 1 }, top5: { type: 'number' } },
};
const costFigures = { type: 'object', required: ['params', 'macs'], properties: { params: { type: 'number' }, macs: { type: 'number' } } };

/**
 * The schema of run.json, for the job kinds there are (kinds/index.ts). A finished run must
 * carry what the summary reads (metrics, ledger, cost) and the digests of what it wrote;
 * `{"status": "finished"}` alone is not a run. Each kind adds the fields its records must carry.
 */
export function runRecordSchema(kinds: readonly string[] = jobKinds().map((k) => k.name)) {
  return {
    type: 'object',
    required: ['id', 'kind', 'status', 'seed', 'definition', 'configFile', 'versions', 'startedAt', 'finishedAt'],
    properties: {
      format: { const: RUN_RECORD_FORMAT },
      id: { type: 'string', pattern: `^(${kinds.join('|')})-[0-9a-f]+$` },
      kind: { enum: [...kinds] },
      status: { enum: ['finished', 'diverged', 'failed', 'not-run'] },
      error: { type: 'string' },
      seed: { type: 'integer', minimum: 0 },
      pruner: { type: 'string' },
      schedule: { type: 'string' },
      budget: { type: 'integer', minimum: 1 },
      definition: { type: 'object' },
      configFile: { type: ['string', 'null'] },
      versions: { type: 'object', required: ['prunebench', 'tfjs', 'backend'] },
      ledger: { type: 'object', required: ['optimizerSteps', 'samples'], properties: { optimizerSteps: { type: 'number' }, samples: { type: 'number' } } },
      plannedSteps: { type: 'integer', minimum: 0 },
      metrics: { type: 'object', properties: { test: metrics, validation: metrics } },
      cost: { type: 'object', required: ['before', 'after'], properties: { before: costFigures, after: costFigures } },
      artifacts: { type: 'object', additionalProperties: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
      seal: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      startedAt: { type: 'string' },
      finishedAt: { type: 'string' },
    },
    allOf: [
      { if: { properties: { status: { const: 'finished' } } }, then: { required: ['ledger', 'metrics', 'cost', 'artifacts'], properties: { metrics: { required: ['test'] } } } },
      { if: { properties: { status: { const: 'diverged' } } }, then: { required: ['error', 'artifacts'] } },
      { if: { properties: { status: { const: 'not-run' } } }, then: { required: ['error'] } },
      ...kinds.flatMap((name) => {
        const required = jobKind(name).record.required;
        return required.length ? [{ if: { properties: { kind: { const: name } } }, then: { required: [...required] } }] : [];
      }),
    ],
  };
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

/** The compiled schema for the kinds registered now (kinds may be added at run time). */
function recordValidator() {
  const kinds = jobKinds().map((k) => k.name);
  const key = kinds.join(',');
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(runRecordSchema(kinds));
    validators.set(key, validate);
  }
  return validate;
}

/** The first artifact of `record` that is missing or no longer what the run wrote. */
export function checkArtifacts(store: ResultStore, record: RunRecord): Rejection | undefined {
  const dir = store.runDir(record.id);
  const recorded = record.artifacts ?? {};
  if (record.status === 'finished') {
    const required = jobKind(record.kind).record.artifacts;
    const missing = (typeof required === 'function' ? required(record) : required).find((rel) => !(rel in recorded));
    if (missing) return { id: record.id, file: 'run.json', why: `records no digest of ${missing}, which a finished ${record.kind} run writes` };
  }
  for (const [rel, digest] of Object.entries(recorded)) {
    const file = path.join(dir, rel);
    if (!fs.existsSync(file)) return { id: record.id, file: rel, why: 'is missing' };
    if (fileDigest(file) !== digest) {
      return { id: record.id, file: rel, why: `has changed since the run wrote it (${fs.statSync(file).size} bytes, sha256 differs from run.json's: truncated or overwritten)` };
    }
  }
  return undefined;
}

/**
 * Reads and checks one run's record: JSON, the schema, the folder name, its own definition hash
 * (and the job's definition, when given), and the digests of its artifacts. Undefined when the
 * run has no record yet.
 */
export function checkRecord(store: ResultStore, id: string, job?: JobBase): { record: RunRecord } | Rejection | undefined {
  const file = path.join(store.runDir(id), 'run.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { id, file: 'run.json', why: `cannot be read (${(error as Error).message})` };
  }
  let written: RunRecord;
  try {
    written = JSON.parse(text) as RunRecord;
  } catch {
    return { id, file: 'run.json', why: `is not valid JSON (${text.length} bytes: cut short?)` };
  }
  // Checked in the current format; sealed as written (a format-1 record's seal covers its `flops`).
  const record = upgradeRunRecord(written);
  const validateRecord = recordValidator();
  if (!validateRecord(record)) {
    const problems = (validateRecord.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => `${e.instancePath || '/'} ${e.message}`);
    return { id, file: 'run.json', why: `is not a valid run record (${[...new Set(problems)].join('; ')})` };
  }
  if (record.id !== id) return { id, file: 'run.json', why: `names run ${record.id}, not the folder it is in` };
  if (record.id !== `${record.kind}-${definitionHash(record.definition)}`) {
    return { id, file: 'run.json', why: 'its definition does not hash to its id (edited by hand?)' };
  }
  const seal = brokenSeal(written);
  if (seal) return { id, file: 'run.json', why: seal };
  if (job && (job.kind !== record.kind || definitionHash(job.definition) !== definitionHash(record.definition))) {
    return { id, file: 'run.json', why: "its definition is not this study's job" };
  }
  if (isComplete(record)) {
    const bad = checkArtifacts(store, record);
    if (bad) return bad;
  }
  return { record };
}

export function describeRejection(rejection: Rejection, action = 'redoing'): string {
  return `${action} runs/${rejection.id}: ${rejection.file} ${rejection.why}`;
}

/** Where a rejected run.json is kept (for a look), out of the way of the run that redoes it. */
export const REJECTED_SUFFIX = '.rejected';

/**
 * Before a study resumes: every complete record that fails its checks is set aside (run.json →
 * run.json.rejected) so the run is redone, and so is every complete run made from a run that is
 * redone or has no trusted record (an original's dependents when its weights.bin is truncated).
 * A not-run record stands only while its original is still diverged. `jobs` come dependencies
 * first (as expandStudy makes them). Returns what was set aside, in order.
 */
export function rejectUntrusted(jobs: readonly JobBase[], store: ResultStore): Rejection[] {
  const trusted = new Map<string, RunRecord['status']>();
  const rejected: Rejection[] = [];
  const setAside = (rejection: Rejection) => {
    const file = path.join(store.runDir(rejection.id), 'run.json');
    fs.renameSync(file, `${file}${REJECTED_SUFFIX}`);
    rejected.push(rejection);
  };
  for (const job of jobs) {
    const checked = checkRecord(store, job.id, job);
    if (!checked) continue;
    if (!('record' in checked)) {
      setAside(checked);
      continue;
    }
    const { record } = checked;
    if (!isComplete(record)) continue;
    const depStates = job.deps.map((dep) => ({ dep, status: trusted.get(dep) }));
    const untrustedDep = depStates.find((d) => d.status === undefined);
    if (untrustedDep) {
      setAside({ id: job.id, file: 'run.json', why: `was made from runs/${untrustedDep.dep}, which is redone` });
    } else if (record.status === 'not-run' ? !depStates.some((d) => d.status === 'diverged' || d.status === 'not-run') : depStates.some((d) => d.status !== 'finished')) {
      setAside({ id: job.id, file: 'run.json', why: `does not fit what runs/${job.deps[0]} now records (${depStates.map((d) => d.status).join(', ')})` });
    } else {
      trusted.set(job.id, record.status);
    }
  }
  return rejected;
}

/** A run's inputs, checked before they are read: throws naming the file when one is not intact. */
export function assertRunIntact(store: ResultStore, id: string): void {
  const checked = checkRecord(store, id);
  if (!checked) throw new Error(`runs/${id}/run.json is missing: run the same command again to redo it`);
  if (!('record' in checked)) throw new Error(`${describeRejection(checked, 'cannot use')}; run the same command again to redo it`);
}

/** Every record of a results folder that passes its checks, and those that do not (for `report`). */
export function readTrustedRecords(store: ResultStore): { records: RunRecord[]; rejected: Rejection[] } {
  let names: string[];
  try {
    names = fs.readdirSync(store.runsDir).sort();
  } catch {
    return { records: [], rejected: [] };
  }
  const records: RunRecord[] = [];
  const rejected: Rejection[] = [];
  for (const name of names) {
    const checked = checkRecord(store, name);
    if (!checked) continue;
    if ('record' in checked) records.push(checked.record);
    else rejected.push(checked);
  }
  return { records, rejected };
}
