import type { ComponentKind } from '@prunebench/core';
import type { BaselineResult } from '../../report/analysis-types';
import type { Block } from '../../report/document';
import type { RunWork, StudyShape } from '../cost-model';
import type { StudyDefinition } from '../definition';
import type { ExecutionContext } from '../execution';
import type { RunRecord } from '../record';

/** What every job has, whatever its kind. Jobs cross thread and machine boundaries: plain data only. */
export interface JobBase {
  /** `<kind>-<hash of what defines it>`: also the run's folder name, so resume finds it. */
  id: string;
  /** The name of its kind (kinds/index.ts). */
  kind: string;
  seed: number;
  /** Jobs whose outputs this one needs. */
  deps: string[];
  /** What the hash covers (recorded in run.json). */
  definition: Record<string, unknown>;
  /** Which pruning of the original (the study's `pruneSeeds`): jobs made from a prune carry it. */
  pruneSeed?: number;
}

/** The columns of run.json that name what a run is (reports group by them). */
export type RecordLabels = Pick<RunRecord, 'pruner' | 'schedule' | 'budget'>;

/** What a kind's `execute` returns: the record's fields beyond those every run.json has. */
export type JobOutcome = Omit<RunRecord, 'id' | 'kind' | 'seed' | 'pruner' | 'schedule' | 'budget' | 'definition' | 'configFile' | 'versions' | 'pruneSeed' | 'identity' | 'startedAt' | 'finishedAt'>;

/** What a kind's report section is made from. */
export interface KindReportInput {
  /** Every record of the study (all kinds). */
  records: readonly RunRecord[];
  /** The study's definition, when the results folder has one. */
  study?: StudyDefinition;
  /** This kind's baseline results (when it names its runs as baselines), per pruner × name. */
  baselines: readonly BaselineResult[];
}

/**
 * A job kind, as one plain object (the style of tfjs's kernel registry): how it expands from the
 * study definition, what it depends on, how it runs, what its run.json must hold, what it writes
 * and what the report does with it. Every kind is listed once in kinds/index.ts; the expansion,
 * the dispatcher, verification and the report iterate over that list and never name a kind.
 *
 * `P` is the job type of the kind it expands from (the parent whose outputs it reads).
 */
export interface JobKind<J extends JobBase = JobBase, P extends JobBase = JobBase> {
  /** The prefix of its job ids and run folders, and `kind` in run.json: lower-case letters and dashes. */
  name: string;
  /** The kind whose every job this one expands from (and depends on); null: expanded from the study itself. */
  expandsFrom: JobKind<P, JobBase> | null;
  /**
   * Its jobs for one job of `expandsFrom` (or for the study), in run order. A job's definition is
   * everything that can change its result (it is hashed into the id), and its `deps` name the
   * jobs whose outputs it reads.
   */
  expand(study: StudyDefinition, parent: P): J[];
  /** A short human name for progress lines: `retrain l1/uniform × clr × 4 ep, seed 0`. */
  describe(job: J): string;
  /** The labels its run.json carries (pruner, schedule, budget). */
  labels(job: J): RecordLabels;
  /** The components whose plugin's code is part of its run identity. */
  components(job: J, study: StudyDefinition): Array<{ kind: ComponentKind; id: string }>;
  /** What one run trains and evaluates, for `run --dry-run`'s estimate and the live ETA (cost-model.ts). */
  work(job: J, study: StudyDefinition, shape: StudyShape): RunWork;
  /** Runs the job; inputs of its `deps` are checked intact before. Throwing records a failed run. */
  execute(job: J, ctx: ExecutionContext): Promise<JobOutcome>;
  /** What a run.json of this kind holds. */
  record: {
    /** Fields a record of this kind must carry (beyond every record's). */
    required: readonly string[];
    /**
     * Files a finished run must have written, relative to its folder (their digests are checked);
     * a function when they depend on the run (an original's rewind checkpoints).
     */
    artifacts: readonly string[] | ((record: RunRecord) => readonly string[]);
  };
  /** Words for the progress line when one of its runs ends, after the test accuracy. */
  summarize?(record: RunRecord): string[];
  /** Why the report must refuse these records (unequal budgets and the like); undefined when they pass. */
  audit?(records: readonly RunRecord[]): string | undefined;
  /** What the report does with its runs. */
  report?: {
    /** Its runs are the study's cells: grouped by pruner × schedule × budget over seeds (report/run-groups.ts). */
    cells?: boolean;
    /**
     * Its runs are a baseline, compared with retraining (Scratch-E / B): the name a run is shown
     * under. The report groups them per pruner × name (analysis.ts), pairs each with the best
     * retrained cell of the largest budget and draws it as a dotted level in the accuracy figure.
     */
    baselineName?(record: RunRecord): string;
    /** Sections of report.html and summary.md, after the pruned-not-retrained baseline. */
    sections?(input: KindReportInput): Block[];
  };
}
