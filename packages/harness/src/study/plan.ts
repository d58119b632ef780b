import * as os from 'node:os';
import { createComponent, type Dataset } from '@prunebench/core';
import { describeChoice } from '../backend/select';
import { calibrateStudy, type Calibration } from './calibrate';
import { predictSeconds, simulateWallSeconds, type RunWork, type Speed, type StudyShape } from './cost-model';
import { openStudy, prepareBackend, unloadablePlugins, type StudyEnvironment, type StudySource } from './environment';
import { studyIdentity } from './identity';
import { describeJob, expandStudy, jobLabels, runWork, type Job } from './jobs';
import { preflightStudy } from './preflight';
import { ResultStore } from './store';
import type { PredictedRun } from './eta';

/**
 * What a study spends outside its runs, not calibrated: starting the worker threads (each loads
 * tfjs, the plugins and the data) and writing the report (rendering its figures). Seconds.
 */
export const STUDY_OVERHEAD_SECONDS = 6;

/** One run of a study as the dry run lists it. */
export interface PlannedRun {
  id: string;
  /** Its job kind's name (kinds/index.ts). */
  kind: string;
  label: string;
  pruner?: string;
  schedule?: string;
  budget?: number;
  seed: number;
  /** Finished (or ended for good) in an earlier invocation: kept, not run again. */
  done: boolean;
  work: RunWork;
  /** Predicted seconds on one runner. */
  seconds: number;
}

/** What `prunebench run --dry-run` prints: every run, what is done, and how long the rest should take. */
export interface StudyPlan {
  out: string;
  configFile: string | null;
  backend: string;
  /** Runs that would go in parallel (worker threads, or 1 in this thread). */
  runners: number;
  runs: PlannedRun[];
  /** Predicted wall-clock seconds of the runs not done, on `runners`, with the study's start and report. */
  wallSeconds: number;
  /** Their predicted seconds added up (one runner's worth of work). */
  runSeconds: number;
  calibration: Calibration;
}

/**
 * How many runs go at once: the study's workers, capped by the runs left; one when the runs
 * cannot go to worker threads (plugin objects only this thread has, or an unbuilt package).
 * A runner more than the cores shares a core, so the runners are counted at most as the cores.
 */
export function effectiveRunners(env: StudyEnvironment, left: number, threadsAvailable: boolean): number {
  const parallel = Math.min(env.study.workers, Math.max(1, left));
  if (parallel <= 1 || !threadsAvailable || unloadablePlugins(env.study).length) return 1;
  return Math.min(parallel, Math.max(1, os.availableParallelism()));
}

/** Calibrates the cost model on this thread's backend and predicts every job's seconds. */
export async function predictRuns(env: StudyEnvironment, jobs: readonly Job[], signal?: AbortSignal): Promise<{ calibration: Calibration; seconds: Map<string, number>; work: Map<string, RunWork> }> {
  const dataset = createComponent<Dataset>(env.container, env.registry, 'dataset', env.study.dataset.id, env.study.dataset.options);
  const info = await dataset.load();
  const calibration = await calibrateStudy(env, dataset, info, signal);
  const work = new Map(jobs.map((job) => [job.id, runWork(job, env.study, calibration.shape)]));
  const seconds = new Map(jobs.map((job) => [job.id, predictSeconds(work.get(job.id)!, calibration.speed)]));
  return { calibration, seconds, work };
}

/**
 * The cost model's wall time for a study's jobs (those not in `done`) on `runners`, with its
 * start and report: what the dry run prints, for any shape and speed.
 */
export function estimateWallSeconds(jobs: readonly Job[], study: StudyEnvironment['study'], shape: StudyShape, speed: Speed, runners: number, done: ReadonlySet<string> = new Set()): number {
  const left = jobs.filter((job) => !done.has(job.id)).map((job) => ({ id: job.id, deps: job.deps.filter((d) => !done.has(d)), seconds: predictSeconds(runWork(job, study, shape), speed) }));
  return simulateWallSeconds(left, runners) + (left.length ? STUDY_OVERHEAD_SECONDS : 0);
}

/** The ETA's view of the jobs: ids, dependencies, predicted seconds. */
export function predictedRuns(jobs: readonly Job[], seconds: ReadonlyMap<string, number>): PredictedRun[] {
  return jobs.map((job) => ({ id: job.id, deps: job.deps, seconds: seconds.get(job.id) ?? 0 }));
}

/**
 * The dry run: opens and checks the study exactly as `run` does (config, plugins, backend,
 * data, model), expands its runs, reads which are already done, calibrates the cost model with
 * a few training steps on the selected backend, and predicts the wall time. Writes nothing and
 * takes no lock: a study running in the folder is left alone.
 */
export async function planStudy(source: StudySource, options: { threadsAvailable: boolean }): Promise<StudyPlan> {
  const env = await openStudy(source);
  const { study } = env;
  const selection = await prepareBackend(study);
  study.environment = studyIdentity(study, env.registry, selection);
  await preflightStudy(env);
  const jobs = expandStudy(study);
  const store = new ResultStore(study.out);
  const done = new Set(jobs.filter((job) => store.isComplete(job.id)).map((job) => job.id));
  const { calibration, seconds, work } = await predictRuns(env, jobs);
  const runs: PlannedRun[] = jobs.map((job) => ({
    id: job.id,
    kind: job.kind,
    label: describeJob(job),
    ...jobLabels(job),
    seed: job.seed,
    done: done.has(job.id),
    work: work.get(job.id)!,
    seconds: seconds.get(job.id)!,
  }));
  const runners = effectiveRunners(env, jobs.length - done.size, options.threadsAvailable);
  return {
    out: study.out,
    configFile: study.configFile,
    backend: describeChoice(selection),
    runners,
    runs,
    wallSeconds: estimateWallSeconds(jobs, study, calibration.shape, calibration.speed, runners, done),
    runSeconds: runs.filter((r) => !r.done).reduce((sum, r) => sum + r.seconds, 0),
    calibration,
  };
}
