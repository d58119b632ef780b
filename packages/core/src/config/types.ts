import type { PluginReference } from '../plugin/loader';

/** A config entry naming a component: its id, or `{ use: id, ...options }`. */
export type ComponentEntry = string | { use: string; [option: string]: unknown };

/** The shape of a prunebench config file (see config.schema.json). */
export interface PrunebenchConfig {
  $schema?: string;
  plugins?: PluginReference[];
  dataset?: ComponentEntry;
  model?: ComponentEntry;
  original?: {
    preset?: 'cifar' | 'imagenet';
    epochs?: number;
    batchSize?: number;
    lr?: number;
    milestones?: number[];
    gamma?: number;
    warmupEpochs?: number;
    momentum?: number;
    weightDecay?: number;
    nesterov?: boolean;
    checkpoint?: string;
    /** Stop a run as diverged when its loss exceeds this multiple of the step-0 loss (see docs/reliability.md). */
    divergence?: number;
    dropLast?: boolean;
  };
  /** Each may carry `iterative` (see IterativePruning). */
  pruners?: ComponentEntry[];
  /** Baselines the study adds: names the harness knows (its `BaselineName`). */
  baselines?: string[];
  referenceSchedule?: string;
  schedules?: ComponentEntry[];
  budgets?: number[];
  seeds?: number[];
  pruneSeeds?: number[];
  budgetAccounting?: 'retraining' | 'total';
  /** With `total` accounting: fewer retraining steps than this are reported (default: one epoch's). */
  minRetrainingSteps?: number;
  /** With `total` accounting: allow a pruner to leave 0 retraining steps (default false: its retrains fail, saying why). */
  allowNoRetraining?: boolean;
  identity?: { backend?: boolean };
  /** The backend to run on: a name the harness knows (its `BackendName`). */
  backend?: string;
  workers?: number;
  /** A run with no progress for this long fails (default 900). */
  stallSeconds?: number;
  out?: string;
}

/** A pruner entry's `iterative` key: prune in steps with retraining (and rewinding) between. */
export interface IterativePruning {
  /** Renda et al.'s procedures: `renda-weight-rewinding` or `renda-lr-rewinding` (with `rewindEpoch`). */
  preset?: 'renda-weight-rewinding' | 'renda-lr-rewinding';
  steps: number;
  retrainEpochs?: number;
  schedule?: ComponentEntry;
  rewindEpoch?: number;
}

export interface LoadedConfig {
  config: PrunebenchConfig;
  /** The config file, absolute. */
  filepath: string;
  /** Its folder: plugins and relative paths resolve from here. */
  dir: string;
}

/** Identity, for type checking and completion in `prunebench.config.ts`. */
export function defineConfig(config: PrunebenchConfig): PrunebenchConfig {
  return config;
}
