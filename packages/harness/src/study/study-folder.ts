import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@prunebench/core';
import { writeJsonAtomic } from '../util/atomic';
import type { StudyDefinition } from './definition';
import type { Job } from './jobs';
import type { RunRecord } from './record';
import { ResultStore } from './store';
import { parseStudyFile, STUDY_FILE, StudyFileDamagedError, studyFileFor, type StudyFile } from './study-file-check';

export { STUDY_FILE, studyDefinitionHash, type StudyFile } from './study-file-check';
import { checkRecord, type Rejection } from './verify';

export function readStudyFile(outDir: string): StudyFile | undefined {
  const file = path.join(outDir, STUDY_FILE);
  if (!fs.existsSync(file)) return undefined;
  return parseStudyFile(file, fs.readFileSync(file, 'utf8'));
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
  let previous: StudyFile | undefined;
  let damaged: string | null = null;
  try {
    previous = readStudyFile(study.out);
  } catch (error) {
    if (!(error instanceof StudyFileDamagedError)) throw error;
    // The definition is the config's: a damaged study.json is rebuilt from it.
    damaged = `${error.file} ${error.why}: rebuilt from the config.`;
  }
  if (previous && previous.configFile !== study.configFile) {
    throw new UsageError(
      `${study.out} holds the results of ${owner(previous.configFile)}, not of ${owner(study.configFile)}: ` +
        'give this study its own folder (--out DIR, or "out" in its config), or delete ' +
        `${path.join(study.out, STUDY_FILE)} to hand the folder over (the other study's runs are then listed as not part of this one; ` +
        `\`prunebench clean ${study.out}\` removes them)`,
    );
  }
  const file = studyFileFor(study, jobs);
  writeJsonAtomic(path.join(study.out, STUDY_FILE), file);
  if (damaged) return damaged;
  if (!previous || previous.definitionHash === file.definitionHash) return null;
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

/**
 * Removes the run folders that are not jobs of the study in `outDir` (or only lists them). What
 * it will remove goes to `announce` before anything is removed. A study.json that fails its
 * checks stops it (StudyFileDamagedError) before anything is listed or removed: its job list is
 * what tells the study's runs from others, so a damaged one could name finished runs foreign.
 */
export function cleanStudyFolder(
  outDir: string,
  options: { dryRun?: boolean; announce?: (names: readonly string[]) => void } = {},
): { removed: string[]; kept: number } {
  const runs = studyRuns(outDir);
  const store = new ResultStore(outDir);
  const doomed = runs.foreign;
  options.announce?.(doomed);
  if (!options.dryRun) for (const name of doomed) fs.rmSync(store.runDir(name), { recursive: true, force: true });
  return { removed: doomed, kept: runs.study.jobs.length - runs.missing.length };
}
