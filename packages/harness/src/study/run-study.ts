import * as fs from 'node:fs';
import * as os from 'node:os';
import { CPU_TRAINING_WARNING, describeChoice, type BackendSelection } from '../backend/select';
import { PrunebenchError, CORE_VERSION } from '@prunebench/core';
import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { openStudy, prepareBackend, unloadablePlugins, type StudyEnvironment, type StudySource } from './environment';
import { StudyLockLostError, lockStudyFolder, type StudyLock } from './lock';
import { preflightStudy } from './preflight';
import { describeRejection, rejectUntrusted } from './verify';
import { expandStudy, type Job } from './jobs';
import { hasRegisteredJobKinds } from './kinds';
import { createProgressPrinter, type ProgressSink } from './progress';
import { StudyEta } from './eta';
import { liveStatusWriter } from '../serve/live-status';
import { predictedRuns, predictRuns } from './plan';
import { writeReport, type ReportFiles } from './report';
import { InProcessRunner, WorkerRunner, workerScript } from './runners';
import { runJobs, type JobRunner } from './dispatcher';
import { ResultStore } from './store';
import { studyIdentity } from './identity';
import { removeTempLeftovers } from '../util/temp-leftovers';
import { boundedByStop, STOP_GRACE_SECONDS } from './stop-bound';
import { DEFAULT_STALL_SECONDS } from './stall-watch';
import { pinStudy } from './study-folder';
import type { Summary } from './summary';

/** A study finished, but some runs failed: exit code 1, after the report is written. */
export class RunsFailedError extends PrunebenchError {}

export interface StudyOutcome {
  out: string;
  report: ReportFiles & { summary: Summary };
  failed: number;
  /** Runs skipped because an earlier invocation had finished them. */
  resumed: number;
}

/**
 * Runs a study end to end: train the originals, prune, retrain every pruner × schedule ×
 * budget × seed, then audit the budgets and write the summary, figures and report.
 * Finished runs of an earlier invocation are kept (resume); runs execute in worker threads
 * when there is more than one worker and the compiled worker is available.
 */
/** A study resolved, checked and pinned to its results folder, ready for its jobs to run. */
export interface PreparedStudy {
  env: StudyEnvironment;
  /** This process's backend (the one every run's identity names). */
  selection: BackendSelection;
  jobs: Job[];
  store: ResultStore;
  /** Runs finished by an earlier invocation (kept). */
  resumed: number;
  /** Lines for the log: records redone because they failed their checks, a re-pinned folder. */
  notices: string[];
  release(): Promise<void>;
  /** The results folder's lock (lock.ts): its signal aborts when the lock is lost. */
  lock: Pick<StudyLock, 'lost' | 'signal'>;
}

/**
 * Everything before the first run, for a local study and a queue coordinator alike: open the
 * study, select the backend (part of every run's identity, so chosen before the job ids exist),
 * check the data and model (nothing is written before they are known to work), lock the results
 * folder, redo records that fail their checks, and pin the definition in study.json.
 */
export async function prepareStudy(source: StudySource): Promise<PreparedStudy> {
  const env = await openStudy(source);
  const { study } = env;
  const selection = await prepareBackend(study);
  study.environment = studyIdentity(study, env.registry, selection);
  await preflightStudy(env);
  fs.mkdirSync(study.out, { recursive: true });
  const lock = await lockStudyFolder(study.out);
  try {
    const jobs = expandStudy(study);
    const store = new ResultStore(study.out);
    // Nothing is trusted unchecked: a record or file that fails its checks is redone, with its dependents.
    const rejected = rejectUntrusted(jobs, store);
    const resumed = jobs.filter((job) => store.isComplete(job.id)).length;
    const repinned = pinStudy(study, jobs);
    const notices = [...rejected.map((r) => describeRejection(r)), ...(repinned ? [repinned] : [])];
    return { env, selection, jobs, store, resumed, notices, release: () => lock.release(), lock };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/**
 * Runs a study end to end: train the originals, prune, retrain every pruner × schedule ×
 * budget × seed, then audit the budgets and write the summary, figures and report.
 * Finished runs of an earlier invocation are kept (resume); runs execute in worker threads
 * when there is more than one worker and the compiled worker is available; they select the same
 * concrete backend as this thread and check they got it.
 */
export async function runStudy(
  source: StudySource,
  options: { write: (text: string) => void; isTTY: boolean; signal?: AbortSignal; onEvent?: ProgressSink },
): Promise<StudyOutcome> {
  const prepared = await prepareStudy(source);
  try {
    // This process holds the folder's lock: a temp file of another pid is a kill's leftover.
    const leftovers = removeTempLeftovers(prepared.store.outDir);
    if (leftovers.length) prepared.notices.push(`Removed ${leftovers.length} temp file(s) an interrupted write left behind (${leftovers.slice(0, 3).join(', ')}${leftovers.length > 3 ? ', …' : ''}).`);
    return await runPreparedStudy(prepared, options);
  } finally {
    await prepared.release();
  }
}

async function runPreparedStudy(
  { env, selection, jobs, store, resumed, notices, lock }: PreparedStudy,
  given: { write: (text: string) => void; isTTY: boolean; signal?: AbortSignal; onEvent?: ProgressSink },
): Promise<StudyOutcome> {
  // A lost lock stops the study as a stop signal does: the folder may be another process's now.
  const options = { ...given, signal: given.signal ? AbortSignal.any([given.signal, lock.signal]) : lock.signal };
  const { study } = env;
  const script = workerScript();
  const parallel = Math.min(study.workers, Math.max(1, jobs.length - resumed));
  const inlinePlugins = unloadablePlugins(study);
  // Kinds registered at run time exist only in this thread.
  const useWorkers = parallel > 1 && script !== null && inlinePlugins.length === 0 && !hasRegisteredJobKinds();
  // The ETA weighs every run by the cost model, calibrated here before the runs start (seconds).
  let eta: StudyEta | undefined;
  let calibrationProblem: string | undefined;
  try {
    const { seconds } = await predictRuns(env, jobs, options.signal);
    eta = new StudyEta(predictedRuns(jobs, seconds), useWorkers ? Math.min(parallel, os.availableParallelism()) : 1, jobs.filter((j) => store.isComplete(j.id)).map((j) => j.id));
  } catch (error) {
    // The ETA is not worth a study: without the cost model it counts runs as equal.
    calibrationProblem = `ETA without the cost model (its calibration failed: ${(error as Error)?.message ?? error})`;
  }
  const printer = createProgressPrinter({ write: options.write, isTTY: options.isTTY, totalJobs: jobs.length, alreadyDone: resumed, eta, signal: options.signal });
  // What `prunebench serve` shows of the runs in flight (live.json in the results folder).
  const live = liveStatusWriter(study.out);
  const onEvent: ProgressSink = (event) => {
    printer(event);
    live.sink(event);
    options.onEvent?.(event);
  };
  try {
    return await runWithRunners();
  } finally {
    live.close();
  }

  async function runWithRunners(): Promise<StudyOutcome> {
    let runners: JobRunner[];
    if (useWorkers) {
      const forWorkers = { ...study, backend: selection.name };
      runners = Array.from({ length: parallel }, () => new WorkerRunner(script!, forWorkers, study.out));
      onEvent({ type: 'phase', message: `Running ${jobs.length - resumed} of ${jobs.length} runs in ${parallel} worker threads; backend ${describeChoice(selection)}; results in ${study.out}` });
    } else {
      runners = [new InProcessRunner(env, selection, store)];
      const why =
        parallel <= 1
          ? ''
          : inlinePlugins.length
            ? ` (plugin objects passed in the config — ${inlinePlugins.join(', ')} — exist only in this thread; load them by name or path to use worker threads)`
            : hasRegisteredJobKinds()
              ? ' (job kinds registered at run time exist only in this thread; list them in JOB_KINDS to use worker threads)'
              : ' (worker threads need the built package: npm run build)';
      onEvent({ type: 'phase', message: `Running ${jobs.length - resumed} of ${jobs.length} runs in this thread${why}; backend ${describeChoice(selection)}; results in ${study.out}` });
    }
    // A stop signal gives the runs in flight a bounded time to end, then abandons them; under half
    // the stall limit, so a stop ends a hung run before the stall watch would.
    const grace = Math.min(STOP_GRACE_SECONDS, (study.stallSeconds ?? DEFAULT_STALL_SECONDS) / 2);
    runners = runners.map((runner) => boundedByStop(runner, options.signal, grace));
    if (selection.name === 'cpu' && jobs.length > resumed) onEvent({ type: 'phase', message: CPU_TRAINING_WARNING });
    for (const message of notices) onEvent({ type: 'phase', message });
    if (calibrationProblem) onEvent({ type: 'phase', message: calibrationProblem });
    if (resumed) onEvent({ type: 'phase', message: `Resuming: ${resumed} runs already finished are kept.` });
    try {
      await runJobs({
        jobs,
        store,
        runners,
        onEvent,
        signal: options.signal,
        // The backend this study really runs on ("auto" resolved), as every run's own record says.
        baseRecord: { configFile: study.configFile, versions: { prunebench: CORE_VERSION, tfjs: tf.version_core, backend: selection.name } },
      });
    } finally {
      await Promise.all(runners.map((r) => r.close()));
    }
    const lost = lock.lost();
    if (lost) throw new StudyLockLostError(study.out, lost);
    onEvent({ type: 'phase', message: 'Writing the summary and figures.' });
    const report = await writeReport(study.out);
    const failed = jobs.map((j) => store.read(j.id)).filter((r) => !r || r.status === 'failed').length;
    return { out: study.out, report, failed, resumed };
  }
}
