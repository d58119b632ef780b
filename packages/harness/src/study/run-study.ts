import { describeSelection } from '../backend/select';
import { PrunebenchError, CORE_VERSION } from '@prunebench/core';
import { writeJsonAtomic } from '../util/atomic';
import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import { openStudy, prepareBackend, unloadablePlugins, type StudySource } from './environment';
import { expandStudy, type Job } from './jobs';
import type { StudyDefinition } from './definition';
import { createProgressPrinter, type ProgressSink } from './progress';
import { writeReport, type ReportFiles } from './report';
import { InProcessRunner, WorkerRunner, workerScript } from './runners';
import { runJobs, type JobRunner } from './scheduler';
import { ResultStore } from './store';
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

/** `study.json` in the results folder: the resolved definition and its jobs (also written by the queue coordinator). */
export function writeStudyManifest(study: StudyDefinition, jobs: readonly Job[]): void {
  writeJsonAtomic(path.join(study.out, 'study.json'), { study, jobs: jobs.map((j) => ({ id: j.id, kind: j.kind, deps: j.deps })) });
}

/**
 * Runs a study end to end: train the originals, prune, retrain every pruner × schedule ×
 * budget × seed, then audit the budgets and write the summary, figures and report.
 * Finished runs of an earlier invocation are kept (resume); runs execute in worker threads
 * when there is more than one worker and the compiled worker is available.
 */
export async function runStudy(
  source: StudySource,
  options: { write: (text: string) => void; isTTY: boolean; signal?: AbortSignal; onEvent?: ProgressSink },
): Promise<StudyOutcome> {
  const env = await openStudy(source);
  const { study } = env;
  const jobs = expandStudy(study);
  const store = new ResultStore(study.out);
  const resumed = jobs.filter((job) => store.isComplete(job.id)).length;
  writeStudyManifest(study, jobs);

  const script = workerScript();
  const parallel = Math.min(study.workers, Math.max(1, jobs.length - resumed));
  const inlinePlugins = unloadablePlugins(study);
  const useWorkers = parallel > 1 && script !== null && inlinePlugins.length === 0;
  const printer = createProgressPrinter({ write: options.write, isTTY: options.isTTY, totalJobs: jobs.length, alreadyDone: resumed });
  const onEvent: ProgressSink = (event) => {
    printer(event);
    options.onEvent?.(event);
  };
  let runners: JobRunner[];
  if (useWorkers) {
    runners = Array.from({ length: parallel }, () => new WorkerRunner(script!, study, study.out));
    onEvent({ type: 'phase', message: `Running ${jobs.length - resumed} of ${jobs.length} runs in ${parallel} worker threads (backend "${study.backend}"); results in ${study.out}` });
  } else {
    const selection = await prepareBackend(study);
    runners = [new InProcessRunner(env, selection, store)];
    const why =
      parallel <= 1
        ? ''
        : inlinePlugins.length
          ? ` (plugin objects passed in the config — ${inlinePlugins.join(', ')} — exist only in this thread; load them by name or path to use worker threads)`
          : ' (worker threads need the built package: npm run build)';
    onEvent({ type: 'phase', message: `Running ${jobs.length - resumed} of ${jobs.length} runs in this thread${why}; backend ${selection.name} (${describeSelection(selection).replace(/\n/g, '; ')}); results in ${study.out}` });
  }
  if (resumed) onEvent({ type: 'phase', message: `Resuming: ${resumed} runs already finished are kept.` });
  try {
    await runJobs({
      jobs,
      store,
      runners,
      onEvent,
      signal: options.signal,
      baseRecord: { configFile: study.configFile, versions: { prunebench: CORE_VERSION, tfjs: tf.version_core, backend: study.backend } },
    });
  } finally {
    await Promise.all(runners.map((r) => r.close()));
  }
  onEvent({ type: 'phase', message: 'Writing the summary and figures.' });
  const report = await writeReport(study.out);
  const failed = jobs.map((j) => store.read(j.id)).filter((r) => !r || r.status === 'failed').length;
  return { out: study.out, report, failed, resumed };
}
