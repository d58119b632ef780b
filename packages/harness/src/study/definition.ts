import * as os from 'node:os';
import * as path from 'node:path';
import type { BackendName } from '../backend/select';
import type { StudyIdentity } from './study-identity';
import { type LoadedConfig, type PrunebenchConfig, ConfigError, ConfigErrors, type OriginalRecipe, didYouMean } from '@prunebench/core';
import { resolveOriginalSchedule } from '@prunebench/core/config';
import type { ResolvedComponents, ComponentRef } from '@prunebench/core/config';
import type { BaselineName } from './baselines';
import type { StudyConfig } from '../config/study-schema';
import { checkIterative, iterativeLabelSuffix, type PrunerEntry } from './iterative';

/**
 * How the original network is trained (and what retraining inherits: batch, momentum, wd): core's
 * `OriginalRecipe` — the one recipe type schedules see — with every default filled, plus the keys
 * only the harness's trainer reads.
 */
export interface TrainingRecipe extends OriginalRecipe {
  batchSize: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  /** A trained model (folder with model.json) to use instead of training one. */
  checkpoint?: string;
  /** The divergence factor (see TrainOptions.divergence); unset: DEFAULT_DIVERGENCE. */
  divergence?: number;
  /**
   * Drop the last, incomplete batch of every epoch (default true: every step the same size).
   * False keeps it, as PyTorch's DataLoader does by default (CIFAR-10: 782 steps per epoch).
   */
  dropLast: boolean;
}

/** How a pruner's own training counts against the retraining budget (see docs/fairness.md). */
export type BudgetAccounting = 'retraining' | 'total';

/** A study with every default filled in: what the harness runs. */
export interface StudyDefinition {
  dataset: ComponentRef;
  model: ComponentRef;
  original: TrainingRecipe;
  /** Pruners, with how each prunes when not in one shot. */
  pruners: PrunerEntry[];
  schedules: ComponentRef[];
  budgets: number[];
  /** Baselines to run and report (none when absent). */
  baselines?: BaselineName[];
  /** The schedule label paired gains are measured against. */
  referenceSchedule?: string;
  seeds: number[];
  /** Seeds of repeated prunings of each original (e.g. several random prunings); null: one, the original's seed. */
  pruneSeeds: number[] | null;
  /** `retraining` (default): every method retrains E × S steps; `total`: a pruner's own optimizer steps are deducted. */
  budgetAccounting: BudgetAccounting;
  /** With `total` accounting: fewer retraining steps than this are reported (default: one epoch's). */
  minRetrainingSteps?: number;
  /** With `total` accounting: a pruner may leave 0 retraining steps. */
  allowNoRetraining?: boolean;
  /** What the run identity may leave out: `backend: false` lets runs of different backends count as the same. */
  identity: { backend: boolean };
  backend: BackendName;
  workers: number;
  /** A run that makes no progress for this long fails (stall-watch.ts); not part of any result. */
  stallSeconds?: number;
  /** Output folder, absolute. */
  out: string;
  /** The config file it came from, or null for the built-in quick study. */
  configFile: string | null;
  /** Every plugin the study's registry holds, and how another thread or machine loads it. */
  plugins: PluginLoad[];
  /**
   * What outside the config can change a result (code, tfjs, backend, data and checkpoint
   * digests), computed once by the thread that starts the study; part of the job ids.
   */
  environment?: StudyIdentity;
}

/**
 * How a worker (a thread, a process, a queue worker on another machine) loads a plugin the main
 * process had: by package name, or from a file. `module` is null for a plugin object passed
 * directly in a JS/TS config, which only the process that read the config can have.
 */
export interface PluginLoad {
  name: string;
  version?: string;
  /** A package name, or an absolute path for a plugin loaded from a file. */
  module: string | null;
  /** Where this machine resolved it (tried first; a package name is resolved when it is absent). */
  resolvedPath?: string;
}

/** What a recipe without a preset inherits (the CIFAR reference's SGD settings). */
export const RECIPE_DEFAULTS = { batchSize: 64, momentum: 0.9, weightDecay: 1e-4, nesterov: false };

/** Overrides a command line may give on top of the config. */
export interface StudyOverrides {
  out?: string;
  backend?: BackendName;
  workers?: number;
}

/** The keys a study cannot run without that the config leaves out (the rest have defaults). */
export function missingStudyKeys(config: PrunebenchConfig, file?: string): ConfigError[] {
  const missing = (['dataset', 'model', 'pruners', 'schedules', 'budgets'] as const).filter((key) => {
    const value = config[key];
    return value === undefined || (Array.isArray(value) && value.length === 0);
  });
  return missing.map((key) => new ConfigError(key, 'is required to run a study', file));
}

/**
 * Fills in a study from a validated config and its resolved components. Missing parts are an
 * error naming the key, except where a default is documented (recipe: cifar; seeds: [0];
 * backend: auto; workers: one per core; out: ./prunebench-results/<config name> beside the config).
 */
export function defineStudy(
  config: PrunebenchConfig,
  components: ResolvedComponents,
  source: { file: string | null; dir: string },
  overrides: StudyOverrides = {},
): StudyDefinition {
  const missing = missingStudyKeys(config, source.file ?? undefined);
  if (missing.length) throw new ConfigErrors(missing);
  // Validated against studyConfigSchema: `baselines` and `backend` hold the harness's names.
  const narrowed = config as StudyConfig;
  const schedule = resolveOriginalSchedule(config.original ?? 'cifar', 'original', source.file ?? undefined);
  const original: TrainingRecipe = { ...RECIPE_DEFAULTS, ...schedule, dropLast: config.original?.dropLast ?? true } as TrainingRecipe;
  if (config.original?.checkpoint) original.checkpoint = path.resolve(source.dir, config.original.checkpoint);
  // Unset stays unset, so job ids of studies that never name it do not change.
  const divergence = config.original?.divergence;
  if (divergence !== undefined) original.divergence = divergence;
  for (const key of ['pruners', 'schedules'] as const) {
    const labels = components[key].map(componentLabel);
    labels.forEach((label, i) => {
      if (labels.indexOf(label) !== i) {
        throw new ConfigErrors([
          new ConfigError(
            `${key}[${i}]`,
            `two entries are both called "${label}" in reports: give one a "label"`,
            source.file ?? undefined,
          ),
        ]);
      }
    });
  }
  const seeds = config.seeds?.length ? [...config.seeds] : [0];
  checkSeedsDistinct(seeds, 'seeds', source.file ?? undefined);
  if (config.pruneSeeds?.length) checkSeedsDistinct(config.pruneSeeds, 'pruneSeeds', source.file ?? undefined);
  checkIterative(components.pruners, original, source.file ?? undefined);
  const scheduleLabels = components.schedules.map(componentLabel);
  const referenceSchedule = config.referenceSchedule ?? (scheduleLabels.includes('ft') ? 'ft' : scheduleLabels[0]);
  if (!scheduleLabels.includes(referenceSchedule)) {
    throw new ConfigErrors([
      new ConfigError('referenceSchedule', `"${referenceSchedule}" is not one of the study's schedules (${scheduleLabels.join(', ')})${didYouMean(referenceSchedule, scheduleLabels)}`, source.file ?? undefined),
    ]);
  }
  return {
    dataset: withPathsFrom(source.dir, components.dataset!),
    model: components.model!,
    original,
    pruners: components.pruners,
    schedules: components.schedules,
    budgets: [...config.budgets!],
    ...(narrowed.baselines?.length ? { baselines: [...narrowed.baselines] } : {}),
    referenceSchedule,
    seeds,
    pruneSeeds: config.pruneSeeds?.length ? [...config.pruneSeeds] : null,
    budgetAccounting: config.budgetAccounting ?? 'retraining',
    ...(config.minRetrainingSteps !== undefined ? { minRetrainingSteps: config.minRetrainingSteps } : {}),
    ...(config.allowNoRetraining !== undefined ? { allowNoRetraining: config.allowNoRetraining } : {}),
    identity: { backend: config.identity?.backend ?? true },
    backend: overrides.backend ?? narrowed.backend ?? 'auto',
    workers: overrides.workers ?? config.workers ?? Math.max(1, os.availableParallelism()),
    ...(config.stallSeconds !== undefined ? { stallSeconds: config.stallSeconds } : {}),
    out: path.resolve(overrides.out ? process.cwd() : source.dir, overrides.out ?? config.out ?? defaultOut(source.file)),
    configFile: source.file,
    plugins: [],
  };
}

/** A repeated seed would run the same jobs twice at once, into the same folders. */
function checkSeedsDistinct(seeds: number[], key: string, file?: string): void {
  const errors = seeds.flatMap((seed, i) =>
    seeds.indexOf(seed) === i ? [] : [new ConfigError(`${key}[${i}]`, `seed ${seed} is already ${key}[${seeds.indexOf(seed)}]: list each seed once`, file)],
  );
  if (errors.length) throw new ConfigErrors(errors);
}

/**
 * The default results folder of a config: `prunebench-results/<config name>`, so two configs in
 * one folder never share one (`fmnist.config.json` → `prunebench-results/fmnist`).
 */
export function defaultOut(configFile: string | null): string {
  return path.join('prunebench-results', configName(configFile));
}

/** A config file's short name: its base name without extensions and a `.config` / `rc` suffix. */
export function configName(configFile: string | null): string {
  if (!configFile) return 'study';
  const base = path.basename(configFile);
  if (base === 'package.json') return path.basename(path.dirname(configFile)) || 'study';
  const name = base.replace(/^\.+/, '').replace(/(\.(json|jsonc|json5|ya?ml|js|cjs|mjs|ts|cts|mts))+$/i, '').replace(/\.config$/i, '').replace(/rc$/i, '');
  return name || 'study';
}

/** Dataset options that name files; relative ones are resolved from the config file's folder. */
const PATH_OPTIONS = ['path', 'cacheDir'];

/** A dataset entry with its relative file options (`path`, `cacheDir`) resolved from `dir`. */
export function withPathsFrom(dir: string, ref: ComponentRef): ComponentRef {
  const options = { ...ref.options };
  for (const key of PATH_OPTIONS) {
    if (typeof options[key] === 'string') options[key] = path.resolve(dir, options[key] as string);
  }
  return { ...ref, options };
}

/** The name a component entry has in reports: its label, or its id and the options that differ. */
export function componentLabel(ref: ComponentRef | PrunerEntry): string {
  if (ref.label) return ref.label;
  const suffix = iterativeLabelSuffix((ref as PrunerEntry).iterative);
  if (suffix) return `${componentLabel({ id: ref.id, options: ref.options })}${suffix}`;
  const plan = ref.options.plan;
  // `countsFrom`: random pruning of another criterion's architecture, "random/global@l1".
  const from = ref.options.countsFrom;
  const fromId = typeof from === 'string' ? from : from && typeof from === 'object' ? (from as { use?: unknown }).use : undefined;
  const counts = typeof fromId === 'string' ? `@${fromId}` : '';
  if (typeof plan === 'string') return `${ref.id}/${plan}${counts}`;
  if (plan && typeof plan === 'object' && typeof (plan as { use?: unknown }).use === 'string') {
    return `${ref.id}/${(plan as { use: string }).use}${counts}`;
  }
  return ref.id;
}

/** Loaded config → definition, the usual way in. */
export function studyFromConfig(loaded: LoadedConfig, components: ResolvedComponents, overrides?: StudyOverrides): StudyDefinition {
  return defineStudy(loaded.config, components, { file: loaded.filepath, dir: loaded.dir }, overrides);
}
