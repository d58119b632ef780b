import * as os from 'node:os';
import * as path from 'node:path';
import type { BackendName } from '../backend/select';
import { type LoadedConfig, type PrunebenchConfig, type ResolvedComponents, type ComponentRef, ConfigError, ConfigErrors, type OriginalSchedule, resolveOriginalSchedule, didYouMean } from '@prunebench/core';
import type { BaselineName } from './baselines';
import { checkIterative, iterativeLabelSuffix, type PrunerEntry } from './iterative';

/** How the original network is trained (and what retraining inherits: batch, momentum, wd). */
export interface OriginalRecipe extends OriginalSchedule {
  batchSize: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  /** A trained model (folder with model.json) to use instead of training one. */
  checkpoint?: string;
}

/** A study with every default filled in: what the harness runs. */
export interface StudyDefinition {
  dataset: ComponentRef;
  model: ComponentRef;
  original: OriginalRecipe;
  /** Pruners, with how each prunes when not in one shot. */
  pruners: PrunerEntry[];
  schedules: ComponentRef[];
  budgets: number[];
  /** Baselines to run and report (none when absent). */
  baselines?: BaselineName[];
  /** The schedule label paired gains are measured against. */
  referenceSchedule?: string;
  seeds: number[];
  backend: BackendName;
  workers: number;
  /** Output folder, absolute. */
  out: string;
  /** The config file it came from, or null for the built-in quick study. */
  configFile: string | null;
}

/** What a recipe without a preset inherits (the CIFAR reference's SGD settings). */
const RECIPE_DEFAULTS = { batchSize: 64, momentum: 0.9, weightDecay: 1e-4, nesterov: false };

/** Overrides a command line may give on top of the config. */
export interface StudyOverrides {
  out?: string;
  backend?: BackendName;
  workers?: number;
}

/**
 * Fills in a study from a validated config and its resolved components. Missing parts are an
 * error naming the key, except where a default is documented (recipe: cifar; seeds: [0];
 * backend: auto; workers: one per core; out: ./prunebench-results beside the config).
 */
export function defineStudy(
  config: PrunebenchConfig,
  components: ResolvedComponents,
  source: { file: string | null; dir: string },
  overrides: StudyOverrides = {},
): StudyDefinition {
  const missing = (['dataset', 'model', 'pruners', 'schedules', 'budgets'] as const).filter((key) => {
    const value = config[key];
    return value === undefined || (Array.isArray(value) && value.length === 0);
  });
  if (missing.length) {
    throw new ConfigErrors(
      missing.map((key) => new ConfigError(key, 'is required to run a study', source.file ?? undefined)),
    );
  }
  const schedule = resolveOriginalSchedule(config.original ?? 'cifar', 'original', source.file ?? undefined);
  const original: OriginalRecipe = { ...RECIPE_DEFAULTS, ...schedule } as OriginalRecipe;
  if (config.original?.checkpoint) original.checkpoint = path.resolve(source.dir, config.original.checkpoint);
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
    ...(config.baselines?.length ? { baselines: [...config.baselines] } : {}),
    referenceSchedule,
    seeds: config.seeds?.length ? [...config.seeds] : [0],
    backend: overrides.backend ?? config.backend ?? 'auto',
    workers: overrides.workers ?? config.workers ?? Math.max(1, os.availableParallelism()),
    out: path.resolve(overrides.out ? process.cwd() : source.dir, overrides.out ?? config.out ?? 'prunebench-results'),
    configFile: source.file,
  };
}

/** Dataset options that name files; relative ones are resolved from the config file's folder. */
const PATH_OPTIONS = ['path', 'cacheDir'];

function withPathsFrom(dir: string, ref: ComponentRef): ComponentRef {
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
  if (typeof plan === 'string') return `${ref.id}/${plan}`;
  if (plan && typeof plan === 'object' && typeof (plan as { use?: unknown }).use === 'string') {
    return `${ref.id}/${(plan as { use: string }).use}`;
  }
  return ref.id;
}

/** Loaded config → definition, the usual way in. */
export function studyFromConfig(loaded: LoadedConfig, components: ResolvedComponents, overrides?: StudyOverrides): StudyDefinition {
  return defineStudy(loaded.config, components, { file: loaded.filepath, dir: loaded.dir }, overrides);
}
