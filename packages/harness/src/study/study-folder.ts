import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@prunebench/core';
import { writeJsonAtomic } from '../util/atomic';
import { definitionHash } from '../util/hash';
import type { StudyDefinition } from './definition';
import type { Job } from './jobs';
import type { RunRecord } from './record';
import { ResultStore } from './store';
import { checkRecord, type Rejection } from './verify';

/** `study.json`: the definition a results folder was last run with, its hash and its jobs. */
export interface StudyFile {
  format: 1;
  /** Which study the folder belongs to: its config file, or null for the built-in quick study / an inline config. */
  configFile: string | null;
  /** Hash of the definition (without `workers` and `out`, which cannot change a result). */
  definitionHash: string;
  study: StudyDefinition;
  /** Every job of the definition: the report, the audit and `clean` use exactly these. */
  jobs: Array<{ id: string; kind: Job['kind']; deps: string[] }>;
}

export const STUDY_FILE = 'study.json';

export function studyDefinitionHash(study: StudyDefinition): string {
  const { workers: _workers, out: _out, ...defining } = study;
  return definitionHash(defining);
}

export function readStudyFile(outDir: string): StudyFile | undefined {
  const file = path.join(outDir, STUDY_FILE);
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StudyFile>;
  if (parsed.format !== 1 || !Array.isArray(parsed.jobs)) {
    throw new UsageError(
      `${file} was written by an older prunebench and does not list the study's jobs: run the study again into this folder ` +
        '(finished runs are kept), then report it',
    );
  }
  return parsed as StudyFile;
}

const owner = (configFile: string | null) => (configFile ? `the study of ${configFile}` : 'the built-in quick study (or an inline config)');

/**
 * Pins a definition to its results folder before any job runs. A folder holding another
 * study's study.json (another config file) is refused — mixing two studies' runs in one folder
 * is how results end up averaged with runs they have nothing in common with. The same study
 * with a changed definition re-pins the folder; the earlier definition's runs stay on disk but
 * are no longer part of the study. Returns a sentence for the log when that happened.
 */
export function pinStudy(study: StudyDefinition, jobs: readonly Job[]): string | null {
  const previous = readStudyFile(study.out);
  if (previous && previous.configFile !== study.configFile) {
    throw new UsageError(
      `${study.out} holds the results of ${owner(previous.configFile)}, not of ${owner(study.configFile)}: ` +
        'give this study its own folder (--out DIR, or "out" in its config), or delete ' +
        `${path.join(study.out, STUDY_FILE)} to hand the folder over (the other study's runs are then listed as not part of this one; ` +
        `\`prunebench clean ${study.out}\` removes them)`,
    );
  }
  const hash = studyDefinitionHash(study);
  const file: StudyFile = { format: 1, configFile: study.configFile, definitionHash: hash, study, jobs: jobs.map((j) => ({ id: j.id, kind: j.kind, deps: j.deps })) };
  writeJsonAtomic(path.join(study.out, STUDY_FILE), file);
  if (!previous || previous.definitionHash === hash) return null;
  const ids = new Set(file.jobs.map((j) => j.id));
  const dropped = previous.jobs.filter((j) => !ids.has(j.id)).length;
  return (
    `The study's definition changed since the last run into this folder: ${dropped} run(s) of the earlier definition ` +
    `are not part of this study and will not be reported (\`prunebench clean ${study.out}\` removes them).`
  );
}

/** A results folder's records, split into the study's own and the runs of other definitions. */
export interface StudyRuns {
  study: StudyFile;
  /** Records of the study's jobs, in job order. */
  own: RunRecord[];
  /** Jobs of the study with no record yet. */
  missing: string[];
  /** Run folders under runs/ that are not jobs of the study. */
  foreign: string[];
  /** Runs of the study whose record or files failed their checks (counted in `missing` too). */
  rejected: Rejection[];
}

export function studyRuns(outDir: string): StudyRuns {
  const store = new ResultStore(outDir);
  const study = readStudyFile(outDir);
  if (!study) {
    throw new UsageError(`${outDir} holds no study results (no ${STUDY_FILE}): give the --out folder of a \`prunebench run\``);
  }
  const ids = new Set(study.jobs.map((j) => j.id));
  const own: RunRecord[] = [];
  const missing: string[] = [];
  const rejected: Rejection[] = [];
  for (const job of study.jobs) {
    const checked = checkRecord(store, job.id);
    if (checked && 'record' in checked) own.push(checked.record);
    else {
      if (checked) rejected.push(checked);
      missing.push(job.id);
    }
  }
  const folders = fs.existsSync(store.runsDir) ? fs.readdirSync(store.runsDir).sort() : [];
  return { study, own, missing, rejected, foreign: folders.filter((name) => !ids.has(name)) };
}

/** The sentence reports print about runs that are not part of the study (null when there are none). */
export function foreignRunsNote(runs: StudyRuns, outDir: string): string | null {
  if (!runs.foreign.length) return null;
  return (
    `${runs.foreign.length} run folder(s) under runs/ are not part of this study (runs of another definition) and are not reported: ` +
    '`prunebench clean` on this results folder removes them.'
  );
}

/** Removes the run folders that are not jobs of the study in `outDir` (or only lists them). */
export function cleanStudyFolder(outDir: string, options: { dryRun?: boolean } = {}): { removed: string[]; kept: number } {
  const runs = studyRuns(outDir);
  const store = new ResultStore(outDir);
  if (!options.dryRun) for (const name of runs.foreign) fs.rmSync(store.runDir(name), { recursive: true, force: true });
  return { removed: runs.foreign, kept: runs.study.jobs.length - runs.missing.length };
}
