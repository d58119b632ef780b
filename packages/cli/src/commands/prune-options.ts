import * as path from 'node:path';
import { UsageError, originalPreset } from '@prunebench/core';
import { readOriginalSchedule, resolveOriginalSchedule } from '@prunebench/core/config';
import { RECIPE_DEFAULTS, defaultPrunedDir, type TrainingRecipe, type PruneModelOptions, type StudyConfig } from '@prunebench/harness';
import type { CommandContext } from '../context';
import { PRUNING_FLAGS, fraction, parseBackend, parseEntry, parseKeyValues, parsePlan, parseSeed, positiveNumber, wholeNumber } from '../flags';

/** The flags of `prunebench prune`, as commander gives them. */
export interface PruneFlags {
  criterion: string;
  plan?: string;
  ratio?: string;
  planOption: string[];
  sparsity?: string;
  criterionOption: string[];
  seed?: string;
  out?: string;
  backend?: string;
  config?: string;
  tolerance: string;
  finetune?: boolean;
  dataset?: string;
  schedule: string;
  epochs?: string;
  batchSize?: string;
  original?: string;
  latencyRuns: string;
  throughputBatch: string;
  dryRun?: boolean;
  json?: boolean;
}

/** How latency timing may take per batch size (both models), once 5 runs are in. */
export const LATENCY_BUDGET_MS = 10_000;

/**
 * The pruner's config entry the flags describe, as a study config writes it:
 * `{ "use": "l1", "plan": { "use": "uniform", "ratio": 0.5, ...--plan-option } }` or
 * `{ "use": "magnitude", "sparsity": 0.9 }` (which one fits is the criterion's schema's call).
 */
function prunerEntry(flags: PruneFlags): { use: string; [key: string]: unknown } {
  const entry: { use: string; [key: string]: unknown } = { use: flags.criterion, ...parseKeyValues(flags.criterionOption, '--criterion-option') };
  const planOptions = parseKeyValues(flags.planOption, '--plan-option');
  if (flags.plan !== undefined) entry.plan = parsePlan(flags.plan, flags.ratio, planOptions);
  else if (flags.ratio !== undefined || Object.keys(planOptions).length) {
    throw new UsageError('--ratio and --plan-option belong to a plan: give --plan too (e.g. --plan uniform --ratio 0.5)');
  }
  if (flags.sparsity !== undefined) entry.sparsity = fraction(flags.sparsity, '--sparsity');
  return entry;
}

/** Every flag parsed into pruneModel's options (usage errors first, before any model is loaded). */
export function parsePruneFlags(model: string, flags: PruneFlags, context: CommandContext): PruneModelOptions {
  const loaded = context.loaded;
  const config = loaded?.config;
  const throughput = wholeNumber(flags.throughputBatch, '--throughput-batch');
  const options: PruneModelOptions = {
    model,
    components: context,
    pruner: prunerEntry(flags),
    seed: parseSeed(flags.seed),
    out: path.resolve(flags.out ?? defaultPrunedDir(model)),
    backend: parseBackend(flags.backend) ?? (config as StudyConfig | undefined)?.backend ?? 'auto',
    tolerance: positiveNumber(flags.tolerance, '--tolerance', { zero: true }),
    latency: { batchSizes: [...new Set([1, throughput])], runs: wholeNumber(flags.latencyRuns, '--latency-runs'), warmupRuns: 3, budgetMs: LATENCY_BUDGET_MS },
    dryRun: Boolean(flags.dryRun),
    keys: PRUNING_FLAGS,
  };
  if (flags.dataset !== undefined) options.dataset = { entry: parseEntry(flags.dataset, '--dataset'), where: '--dataset', dir: process.cwd() };
  else if (config?.dataset !== undefined) options.fallbackDataset = { entry: config.dataset, where: `${loaded!.filepath}: dataset`, dir: loaded!.dir };
  const finetuneOnly = (['epochs', 'batchSize', 'original'] as const).filter((key) => flags[key] !== undefined);
  if (!flags.finetune) {
    if (finetuneOnly.length) throw new UsageError(`--${finetuneOnly[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is a fine-tuning option: add --finetune`);
    return options;
  }
  if (!options.dataset && !options.fallbackDataset) {
    throw new UsageError('--finetune needs data: give --dataset ID (e.g. --dataset fashion-mnist, or {"use": "csv", "path": "data.csv"}) or --config FILE with a "dataset"');
  }
  const epochs = flags.epochs !== undefined ? wholeNumber(flags.epochs, '--epochs') : config?.budgets?.[0];
  if (epochs === undefined) throw new UsageError('--finetune needs a budget: give --epochs E (or --config FILE with "budgets")');
  const schedule = flags.original
    ? readOriginalSchedule(flags.original)
    : config?.original
      ? resolveOriginalSchedule(config.original, 'original', loaded!.filepath)
      : originalPreset('cifar');
  const recipe = { ...RECIPE_DEFAULTS, dropLast: true, ...schedule } as TrainingRecipe;
  if (flags.batchSize !== undefined) recipe.batchSize = wholeNumber(flags.batchSize, '--batch-size');
  options.finetune = { schedule: parseEntry(flags.schedule, '--schedule'), epochs, recipe };
  return options;
}
