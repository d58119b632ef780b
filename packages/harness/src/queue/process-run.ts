import type { BackendName, BackendSelection } from '../backend/select';
import { openStudyFromDefinition, prepareBackend, type StudyEnvironment } from '../study/environment';
import { backendMismatch } from '../study/identity';
import { executeJob } from '../study/run-job';
import { describeJob, expandStudy } from '../study/jobs';
import { DEFAULT_STALL_SECONDS, watchForStall } from '../study/stall-watch';
import { lastProgressAt, progressed } from '../util/heartbeat';
import type { StudyEvent } from '../study/progress';
import { ResultStore } from '../study/store';
import type { StudyDefinition } from '../study/definition';
import { definitionHash } from '../util/hash';
import { dependentsOf, queueEntry, type QueueEntry, type QueuedJobData, type QueuedJobResult } from './queued-job';

/** What processing a queued run needs from the queue around it. */
export interface RunProcessingContext {
  /** Sends a study event to the coordinator (BullMQ job progress). */
  report(event: StudyEvent): void;
  /** Adds runs to the queue (ids are deterministic: adding one twice is a no-op). */
  enqueue(entries: QueueEntry[]): Promise<void>;
  /** The worker's `--backend`, which overrides the study's. */
  backend?: BackendName;
}

/** One environment per study definition and one backend per thread, reused by its runs. */
const environments = new Map<string, Promise<StudyEnvironment>>();
let backend: { name: BackendName; selection: Promise<BackendSelection> } | undefined;

function environmentFor(definition: StudyDefinition): Promise<StudyEnvironment> {
  const key = definitionHash(definition);
  let env = environments.get(key);
  if (!env) {
    env = openStudyFromDefinition(definition);
    environments.set(key, env);
    env.catch(() => environments.delete(key));
  }
  return env;
}

function backendFor(definition: StudyDefinition, override: BackendName | undefined): Promise<BackendSelection> {
  const name = override ?? definition.backend;
  if (backend?.name !== name) backend = { name, selection: prepareBackend({ ...definition, backend: name }) };
  return backend.selection;
}

/**
 * This worker cannot load the study's plugins: not the run's fault, so it must not cost the run an
 * attempt. The processor hands the run back for a worker that can (processor.ts).
 */
export class PluginsUnavailableError extends Error {}

/** A run failed: thrown so BullMQ retries it, then records it as failed with this message. */
export class RunFailedError extends Error {}

/**
 * Processes one queued run on this worker: loads the study's plugins as the definition names them
 * (refusing, with the reason, a plugin this machine lacks), runs it with `executeJob` against the
 * shared results folder, and — before the job completes — adds the runs that waited for it.
 * BullMQ flows give a job one parent, but one original feeds many prunes and one prune many
 * retrains, so dependents are added by the run they need, as BullMQ's maintainers advise
 * (taskforcesh/bullmq#2087). A retry after a crash finds the run complete, does not redo it,
 * and only adds its dependents again (a no-op for those already queued).
 */
export async function processQueuedRun(data: QueuedJobData, ctx: RunProcessingContext): Promise<QueuedJobResult> {
  const { definition, job, study } = data;
  let env: StudyEnvironment;
  try {
    env = await environmentFor(definition);
  } catch (error) {
    throw new PluginsUnavailableError(`this worker cannot load the plugins of the study in ${definition.out}: ${(error as Error)?.message ?? error}`, { cause: error });
  }
  const store = new ResultStore(definition.out);
  const alreadyComplete = store.isComplete(job.id);
  if (!alreadyComplete) {
    for (const dep of job.deps) {
      if (store.read(dep)?.status !== 'finished') {
        throw new RunFailedError(
          `${job.id} needs ${dep}, which is not finished in ${definition.out}: ` +
            'every worker must see the study\'s results folder at the same path (a shared filesystem)',
        );
      }
    }
    const selection = await backendFor(definition, ctx.backend);
    const mismatch = backendMismatch(definition, selection);
    if (mismatch) throw new RunFailedError(mismatch);
    // A run that makes no progress for stallSeconds fails here as it would in a local study.
    progressed();
    const record = await watchForStall(executeJob(job, { ...env, selection, store, onEvent: ctx.report }), {
      seconds: definition.stallSeconds ?? DEFAULT_STALL_SECONDS,
      lastProgressAt,
      doing: () => describeJob(job),
    });
    store.write(record);
    if (record.status === 'failed') throw new RunFailedError((record.error ?? 'failed').split('\n')[0]);
  }
  const record = store.read(job.id)!;
  if (record.status === 'finished') {
    const dependents = dependentsOf(expandStudy(definition), job.id);
    if (dependents.length) await ctx.enqueue(dependents.map((dependent) => queueEntry(study, definition, dependent)));
  }
  return { status: record.status as QueuedJobResult['status'], alreadyComplete };
}
