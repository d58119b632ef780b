import type { GroupPruning, LedgerEntries } from '@prunebench/core';
import type { TrainingRecipe } from '../study/definition';
import type { SplitMetrics } from '../training/evaluate';
import type { FinetuneOutcome } from './finetune';
import type { LatencyComparison } from './latency';
import type { OutputCheck } from './output-check';

/** A layer the channel graph does not trace through: the channels around it were left whole. */
export interface LayerLeftWhole {
  layer: string;
  className: string;
}

/** An output check that does not apply, and why. */
export interface SkippedCheck {
  skipped: string;
}

/** pruning.json: what was pruned, how, what it saved, and what was measured. */
export interface PruningReport {
  format: 1;
  /** The input model.json. */
  source: string;
  /** Where the model was saved; absent for a dry run. */
  out?: string;
  dryRun?: boolean;
  createdAt: string;
  /** The pruner's config entry, options validated and defaults filled. */
  pruner: Record<string, unknown> & { use: string };
  criterion: string;
  plan: unknown;
  structured: boolean;
  seed: number;
  /** Every prunable group: its producers, kept / total and which channels were kept. */
  groups: Array<GroupPruning & { keptChannels: number[] }>;
  /** Layers the graph cannot trace (e.g. Reshape): every group touching one was left whole. */
  leftWhole: LayerLeftWhole[];
  /** Params (every trainable weight, BN's gamma and beta too) and MACs of conv and dense layers. */
  cost: {
    before: { params: number; macs: number };
    after: { params: number; macs: number; nonZeroParams?: number };
    /** Percent fewer (non-zero, for weight masks) params and fewer MACs. */
    reduction: { paramsPercent: number; macsPercent: number };
  };
  /** The pruned model's outputs against the original's with the pruned parts zeroed (skipped for pruners that train the network themselves). */
  check: OutputCheck | SkippedCheck;
  /** Absent for a dry run. */
  latency?: LatencyComparison;
  masks?: { file: string; weights: string[] };
  dataset?: Record<string, unknown> & { use: string };
  /** On the dataset's test split: the original, and the pruned model before any fine-tuning. */
  accuracy?: { original: SplitMetrics; pruned: SplitMetrics };
  /** The fine-tuning run: its schedule, budget and recipe, and what the trainer reported. */
  finetune?: FinetuneOutcome & { schedule: Record<string, unknown> & { use: string }; epochs: number; recipe: TrainingRecipe };
  ledger: LedgerEntries;
  versions: Record<string, unknown> & { plugins: Array<{ name: string; version: string; package: string }> };
  /** The files written to `out`. */
  files?: string[];
}

/** How many percent fewer `after` is than `before`, to two decimals (0 when there was nothing). */
export function percentFewer(before: number, after: number): number {
  return before > 0 ? Number(((100 * (before - after)) / before).toFixed(2)) : 0;
}
