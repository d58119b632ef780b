import type { JobBase, JobKind } from './job-kind';
import { originalKind, type OriginalJob } from './original';
import { pruneKind, type PruneJob } from './prune';
import { retrainKind, type RetrainJob } from './retrain';
import { scratchKind, type ScratchJob } from './scratch';

/**
 * Every job kind of a study, in expansion order: a kind comes after the kind it expands from,
 * and the kinds expanding from one job run in this order (a prune's scratch baselines before
 * its retrains). Adding a kind: one file beside these, one line here (ARCHITECTURE.md).
 */
export const JOB_KINDS: readonly JobKind<any, any>[] = [originalKind, pruneKind, scratchKind, retrainKind]; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A job of one of the built-in kinds. */
export type Job = OriginalJob | PruneJob | ScratchJob | RetrainJob;

/**
 * Kinds added at run time (tests, an embedder's own baseline), after the built-in ones. They
 * exist only in the thread that registered them: a study using one runs its jobs in that thread.
 */
const registered: JobKind<any, any>[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any

const NAME = /^[a-z][a-z0-9-]*$/;

/** Adds a job kind; returns what removes it again. */
export function registerJobKind<J extends JobBase, P extends JobBase>(kind: JobKind<J, P>): () => void {
  if (!NAME.test(kind.name)) throw new Error(`job kind name "${kind.name}": use lower-case letters, digits and dashes (it prefixes run folders)`);
  if (jobKinds().some((k) => k.name === kind.name)) throw new Error(`a job kind "${kind.name}" is already registered`);
  if (kind.expandsFrom && !jobKinds().includes(kind.expandsFrom)) throw new Error(`job kind "${kind.name}" expands from "${kind.expandsFrom.name}", which is not registered`);
  registered.push(kind);
  return () => {
    const at = registered.indexOf(kind);
    if (at >= 0) registered.splice(at, 1);
  };
}

/** Whether kinds were registered at run time (they cannot run in worker threads or on a queue). */
export function hasRegisteredJobKinds(): boolean {
  return registered.length > 0;
}

/** The built-in kinds, then those registered at run time. */
export function jobKinds(): readonly JobKind<JobBase, JobBase>[] {
  return [...JOB_KINDS, ...registered];
}

/** The kind called `name` (a job's or a record's `kind`). */
export function jobKind(name: string): JobKind<JobBase, JobBase> {
  const kind = jobKinds().find((k) => k.name === name);
  if (!kind) throw new Error(`unknown job kind "${name}" (known: ${jobKinds().map((k) => k.name).join(', ')})`);
  return kind;
}
