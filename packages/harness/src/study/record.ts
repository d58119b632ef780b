import type { LedgerEntries } from '@prunebench/core';
import type { Batching } from './budget';
import type { MeasuredCost } from './metering/measured-cost';
import type { IterativeRecord } from './iterative';
import type { ScratchVariant } from './baselines';
import type { CompressionRecord } from './compression';

/**
 * The format of run.json this harness writes. 2: cost figures (and an iterative prune's steps)
 * hold `macs` (multiply-accumulates of one example), named for what they hold; format 1 (no
 * `format` key) called the same number `flops`. Readers accept both (`upgradeRunRecord`).
 */
export const RUN_RECORD_FORMAT = 2 as const;

export interface Metrics {
  loss: number;
  top1: number;
  top5?: number;
  /** Examples evaluated (the test set's size: its binomial sampling error). */
  examples?: number;
}

export interface CostFigures {
  params: number;
  /** Multiply-accumulates of one example (core's countCost). Format 1 called it `flops`. */
  macs: number;
  /** Unstructured pruning: params that are not masked to zero. */
  nonZeroParams?: number;
}

/**
 * What one run leaves in `runs/<id>/run.json`. Written last and atomically, so its presence
 * with status `finished`, `diverged` or `not-run` means the run is complete; `failed` runs are
 * redone on resume (an error may be passing), diverged ones are a result and are kept, and so
 * are `not-run` ones (jobs whose original diverged: nothing to prune or retrain).
 */
export interface RunRecord {
  /** run.json's format (record-format.ts); the store writes the current one, readers upgrade older ones. */
  format?: typeof RUN_RECORD_FORMAT;
  id: string;
  /** The job kind that made it (kinds/index.ts). */
  kind: string;
  status: 'finished' | 'diverged' | 'failed' | 'not-run';
  /** The error (failed), "diverged at step N" (diverged) or why it was not run (not-run). */
  error?: string;
  seed: number;
  pruner?: string;
  schedule?: string;
  definition: Record<string, unknown>;
  configFile: string | null;
  versions: { prunebench: string; tfjs: string; backend: string };
  ledger?: LedgerEntries;
  /** Optimizer steps the schedule planned (equal for every retrain of one budget). */
  plannedSteps?: number;
  /** Which pruning of the original (the study's prune seeds). */
  pruneSeed?: number;
  /** Each thing outside the config that is part of this run's identity, in words. */
  identity?: Record<string, string>;
  /** How epochs were cut into batches (originals and retrains). */
  batching?: Batching;
  /** Retrains: the budget and how it was accounted. */
  budget?: number;
  budgetAccounting?: {
    mode: 'retraining' | 'total';
    epochs: number;
    deductedSteps: number;
    expectedSteps: number;
    expectedSamples: number;
    /** `total` accounting: the fewest retraining steps a pruner is held to, and whether this run fell below it. */
    minimumSteps?: number;
    belowMinimum?: boolean;
  };
  /** What the harness measured this run's pruner (prunes) or its retraining (retrains) spending. */
  measured?: MeasuredCost;
  /** Prunes: where the pruner's own charges disagree with the measurement. */
  costMismatch?: string[];
  metrics?: { test?: Metrics; validation?: Metrics };
  cost?: { before: CostFigures; after: CostFigures };
  /** Prunes: the fraction of MACs and params removed, and the plan's compression target if it named one. */
  compression?: CompressionRecord;
  /** An original: the dataset's split sizes (for the report's set-up). */
  datasetSizes?: { train: number; validation: number; test: number };
  /** sha256 of the exact LR/momentum curve this run trained with (curve-digest.ts). */
  scheduleDigest?: string;
  /**
   * An original trained for weight rewinding: per requested epoch k, its checkpoint folder and the
   * digest of its LR curve from epoch k on (what a retraining that rewinds to k must replay).
   */
  rewind?: Array<{ epoch: number; checkpoint: string; curveDigest: string }>;
  /** An iterative prune: its steps and the retraining between them (pre-retraining cost). */
  iterative?: IterativeRecord;
  /**
   * A scratch baseline: which, and the epochs it trained (B: scaled by the FLOPs factor, the
   * FLOPs ratio capped by the recipe's `scratchBMaxFactor`); `flopsCounted` says what the ratio counts.
   */
  scratch?: { variant: ScratchVariant; epochs: number; factor: number; milestones: number[]; flopsRatio?: number; capped?: boolean; flopsCounted?: string };
  /** Measured inference latency of the final model, milliseconds per batch: median and quartiles of the timed runs. */
  latency?: { batchSize: number; msPerBatch: number; q1Ms?: number; q3Ms?: number }[];
  /** SHA-256 of each file the run wrote, by path in its folder (complete runs; see verify.ts). */
  artifacts?: Record<string, string>;
  /** Tensors the pruner's call left allocated beyond its result (a plugin's leak; warned about). */
  leakedTensors?: number;
  /** SHA-256 of every other field (record-seal.ts): an edited record is not trusted. */
  seal?: string;
  startedAt: string;
  finishedAt: string;
}

export function isComplete(record: RunRecord | undefined): boolean {
  return record !== undefined && (record.status === 'finished' || record.status === 'diverged' || record.status === 'not-run');
}
