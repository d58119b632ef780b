import * as path from 'node:path';
import { UsageError } from '@prunebench/core';
import { definitionHash, stableStringify } from '../util/hash';
import type { StudyDefinition } from './definition';
import { expandStudy, type Job } from './jobs';

/** `study.json`: the definition a results folder was last run with, its hash and its jobs. */
export interface StudyFile {
  format: 1;
  /** Which study the folder belongs to: its config file, or null for the built-in quick study / an inline config. */
  configFile: string | null;
  /** Hash of the definition (without `workers`, `out` and `stallSeconds`, which cannot change a result). */
  definitionHash: string;
  study: StudyDefinition;
  /** Every job of the definition: the report, the audit and `clean` use exactly these. */
  jobs: Array<{ id: string; kind: string; deps: string[] }>;
}

export const STUDY_FILE = 'study.json';

export function studyDefinitionHash(study: StudyDefinition): string {
  // How many threads, where, and how long a run may stall cannot change a result.
  const { workers: _workers, out: _out, stallSeconds: _stall, ...defining } = study;
  return definitionHash(defining);
}

/**
 * study.json cannot be trusted: cut short, edited, or its job list is not the one its definition
 * derives. Exit 2, one line: the file, why, and what to do. Nothing reads or deletes runs on it.
 */
export class StudyFileDamagedError extends UsageError {
  constructor(
    readonly file: string,
    readonly why: string,
  ) {
    super(
      `${file} ${why}: run \`prunebench run\` with this study's config (and --out ${path.dirname(file)}) to rebuild it from the config ` +
        '(finished runs are kept); nothing was read from or removed in the folder',
    );
  }
}

/** The job list study.json records: what `expandStudy` derives from the definition, nothing else. */
export function studyJobList(jobs: readonly Job[]): StudyFile['jobs'] {
  return jobs.map((j) => ({ id: j.id, kind: j.kind, deps: j.deps }));
}

/** study.json's content for a definition: its hash and the job list derived from it. */
export function studyFileFor(study: StudyDefinition, jobs: readonly Job[] = expandStudy(study)): StudyFile {
  return { format: 1, configFile: study.configFile, definitionHash: studyDefinitionHash(study), study, jobs: studyJobList(jobs) };
}

/**
 * Parses and checks study.json whole: JSON, the definition's hash, and the job list — which must
 * be exactly the one the definition derives (a list cut to 3 jobs would otherwise make `report`
 * say "all 3 runs finished" and `clean` delete the others). Throws StudyFileDamagedError.
 */
export function parseStudyFile(file: string, text: string): StudyFile {
  let parsed: Partial<StudyFile>;
  try {
    parsed = JSON.parse(text) as Partial<StudyFile>;
  } catch {
    throw new StudyFileDamagedError(file, `is not valid JSON (${text.length} bytes: cut short?)`);
  }
  if (parsed === null || typeof parsed !== 'object' || typeof parsed.study !== 'object' || parsed.study === null) {
    throw new StudyFileDamagedError(file, 'holds no study definition');
  }
  if (parsed.format !== 1 || !Array.isArray(parsed.jobs)) {
    throw new UsageError(
      `${file} was written by an older prunebench and does not list the study's jobs: run the study again into this folder ` +
        '(finished runs are kept), then report it',
    );
  }
  const study = parsed.study as StudyDefinition;
  if (parsed.definitionHash !== studyDefinitionHash(study)) {
    throw new StudyFileDamagedError(file, 'has a definitionHash that is not its definition\'s (edited?)');
  }
  let derived: StudyFile['jobs'];
  try {
    derived = studyJobList(expandStudy(study));
  } catch (error) {
    throw new StudyFileDamagedError(file, `holds a definition that does not expand into jobs (${(error as Error).message})`);
  }
  if (stableStringify(parsed.jobs) !== stableStringify(derived)) {
    throw new StudyFileDamagedError(file, `lists ${parsed.jobs.length} job(s) that are not the ${derived.length} its definition derives (edited?)`);
  }
  return parsed as StudyFile;
}
