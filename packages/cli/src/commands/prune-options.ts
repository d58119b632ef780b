import * as path from 'node:path';
import { UsageError, readOriginalSchedule, resolveOriginalSchedule, originalPreset } from '@prunebench/core';
import { RECIPE_DEFAULTS, type BackendName, type TrainingRecipe } from '@prunebench/harness';
import type { CommandContext } from '../context';
import { parsePlan, parseSeed } from './inspect';
import { parseBackend } from './run';
import { parseOptionValue } from './schedule';
import { MODEL_JSON, modelJsonPath } from './prune-model-files';

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
  json?: boolean;
}

/** How long latency timing may take per batch size (both models), once 5 runs are in. */
export const LATENCY_BUDGET_MS = 10_000;

/** `key=value` pairs → an object; values are JSON when they parse (0.5, true, [1,2]), else strings. */
export function parseKeyValues(pairs: string[], flag: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals < 1) throw new UsageError(`${flag} "${pair}" must look like key=value (e.g. ${flag} ratio=0.5)`);
    out[pair.slice(0, equals).trim()] = parseOptionValue(pair.slice(equals + 1));
  }
  return out;
}

/** An id or a JSON `{ "use": id, ...options }` entry, as `--plan` takes them. */
export function parseEntry(text: string, flag: string): string | { use: string; [key: string]: unknown } {
  if (!text.trim().startsWith('{')) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: not valid JSON (${(error as Error).message}); give an id or {"use": id, ...options}`);
  }
  if (!value || typeof value !== 'object' || typeof (value as { use?: unknown }).use !== 'string') {
    throw new UsageError(`${flag}: a JSON entry needs a "use" naming the component, e.g. {"use": "synthetic", "trainSize": 512}`);
  }
  return value as { use: string };
}

export function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${flag} must be a whole number, at least 1 (got "${text}")`);
  }
  return value;
}

function fraction(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value >= 1) throw new UsageError(`${flag}: expected a number in [0, 1), got "${text}"`);
  return value;
}

/**
 * The pruner's config entry the flags describe, written as a study config writes it:
 * `{ "use": "l1", "plan": { "use": "uniform", "ratio": 0.5, ...--plan-option } }` for a
 * structured criterion, `{ "use": "magnitude", "sparsity": 0.9 }` for a weight-level one.
 * Whether the criterion takes a plan or a sparsity is its own schema's call (checked later).
 */
export function prunerEntry(flags: PruneFlags): { use: string; [key: string]: unknown } {
  const entry: { use: string; [key: string]: unknown } = { use: flags.criterion, ...parseKeyValues(flags.criterionOption, '--criterion-option') };
  const planOptions = parseKeyValues(flags.planOption, '--plan-option');
  if (flags.plan !== undefined) {
    const plan = parsePlan(flags.plan, flags.ratio);
    entry.plan = Object.keys(planOptions).length ? { ...splitPlan(plan), ...planOptions } : plan;
  } else if (flags.ratio !== undefined || Object.keys(planOptions).length) {
    throw new UsageError('--ratio and --plan-option belong to a plan: give --plan too (e.g. --plan uniform --ratio 0.5)');
  }
  if (flags.sparsity !== undefined) entry.sparsity = fraction(flags.sparsity, '--sparsity');
  return entry;
}

function splitPlan(plan: string | Record<string, unknown>): Record<string, unknown> {
  return typeof plan === 'string' ? { use: plan } : plan;
}

/** A dataset entry and where it was written (relative file options resolve from `dir`). */
export interface DatasetEntry {
  entry: string | { use: string; [key: string]: unknown };
  where: string;
  dir: string;
}

/** What the flags ask for once parsed (component entries still unchecked). */
export interface PruneRequest {
  modelJson: string;
  pruner: { use: string; [key: string]: unknown };
  seed: number;
  out: string;
  backend: BackendName;
  tolerance: number;
  json: boolean;
  latency: { batchSizes: number[]; runs: number; warmupRuns: number; budgetMs: number };
  /** The data to evaluate, fine-tune and score on: --dataset, or the config's when fine-tuning. */
  dataset?: DatasetEntry;
  /** The config's dataset: used only when something needs data (--finetune, a data-driven criterion). */
  configDataset?: DatasetEntry;
  finetune?: { schedule: string | { use: string; [key: string]: unknown }; epochs: number; recipe: TrainingRecipe };
}

/** The folder the pruned model goes to by default: beside the input, `<name>-pruned`. */
export function defaultOutDir(modelJson: string): string {
  const base = path.basename(modelJson) === MODEL_JSON ? path.dirname(modelJson) : modelJson.replace(/\.json$/i, '');
  return `${base}-pruned`;
}

/** Parses every flag (usage errors first, before any model is loaded). */
export function parsePruneFlags(model: string, flags: PruneFlags, context: CommandContext): PruneRequest {
  const config = context.loaded?.config;
  const modelJson = modelJsonPath(model);
  const tolerance = Number(flags.tolerance);
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new UsageError(`--tolerance: expected a number ≥ 0, got "${flags.tolerance}"`);
  const throughput = positiveInteger(flags.throughputBatch, '--throughput-batch');
  const request: PruneRequest = {
    modelJson,
    pruner: prunerEntry(flags),
    seed: parseSeed(flags.seed),
    out: path.resolve(flags.out ?? defaultOutDir(modelJson)),
    backend: parseBackend(flags.backend) ?? config?.backend ?? 'auto',
    tolerance,
    json: Boolean(flags.json),
    latency: { batchSizes: [...new Set([1, throughput])], runs: positiveInteger(flags.latencyRuns, '--latency-runs'), warmupRuns: 3, budgetMs: LATENCY_BUDGET_MS },
  };
  if (flags.dataset !== undefined) {
    request.dataset = { entry: parseEntry(flags.dataset, '--dataset'), where: '--dataset', dir: process.cwd() };
  } else if (config?.dataset !== undefined) {
    request.configDataset = { entry: config.dataset, where: `${context.loaded!.filepath}: dataset`, dir: context.loaded!.dir };
  }
  const finetuneOnly = (['epochs', 'batchSize', 'original'] as const).filter((key) => flags[key] !== undefined);
  if (!flags.finetune) {
    if (finetuneOnly.length) throw new UsageError(`--${finetuneOnly[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is a fine-tuning option: add --finetune`);
    return request;
  }
  request.dataset ??= request.configDataset;
  if (!request.dataset) {
    throw new UsageError('--finetune needs data: give --dataset ID (e.g. --dataset fashion-mnist) or --config FILE with a "dataset"');
  }
  const epochs = flags.epochs !== undefined ? positiveInteger(flags.epochs, '--epochs') : config?.budgets?.[0];
  if (epochs === undefined) throw new UsageError('--finetune needs a budget: give --epochs E (or --config FILE with "budgets")');
  const schedule = flags.original
    ? readOriginalSchedule(flags.original)
    : config?.original
      ? resolveOriginalSchedule(config.original, 'original', context.loaded!.filepath)
      : originalPreset('cifar');
  const recipe: TrainingRecipe = { ...RECIPE_DEFAULTS, ...schedule } as TrainingRecipe;
  if (flags.batchSize !== undefined) recipe.batchSize = positiveInteger(flags.batchSize, '--batch-size');
  request.finetune = { schedule: parseEntry(flags.schedule, '--schedule'), epochs, recipe };
  return request;
}
