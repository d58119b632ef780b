import type { LayersModel } from '@tensorflow/tfjs-layers';
import { applyWeightMasks, type ComponentEntry, type KeptChannels, ConfigError, ConfigErrors, type Dataset, type GroupPruning, type IterativePruning, type Plan, type PrunebenchConfig, type Pruner, type Registry, RunLedger, type Schedule, type StepHyperparameters, type WeightMasks, PrunebenchError, UsageError, applyKeptChannels, createPruneContext, buildChannelGraph, countCost } from '@prunebench/core';
import { type ComponentRef, resolveComponentRef } from '@prunebench/core/config';
import { train } from '../training/train';
import { seedFor } from './seed-streams';

/**
 * Iterative pruning (a pruner entry's `iterative` key): reach the entry's final sparsity in
 * `steps` prunings (rounds), retraining `retrainEpochs` epochs under `schedule` between two of
 * them, as Renda et al.'s iterative magnitude pruning and PFEC's iterative ResNet plan. With
 * `rewindEpoch` k (weight rewinding, Renda et al. 2020), after every pruning the kept weights
 * are reset to the original's after epoch k and retrained T − k epochs under the original
 * schedule from epoch k (`lrw` over T − k epochs replays exactly that), so originals keep an
 * epoch-k checkpoint. `retrainFromEpoch` is that k for both of Renda's rewindings (learning-rate
 * rewinding keeps the pruned weights and retrains alike).
 */
export interface IterativeSpec {
  steps: number;
  retrainEpochs: number;
  schedule: ComponentRef;
  /** Weight rewinding: the original's epoch whose weights the kept channels are reset to. */
  rewindEpoch?: number;
  /** Renda's rewinding (weights or LR only): the retraining between steps is the original schedule from this epoch, T − k epochs. */
  retrainFromEpoch?: number;
  /** The named procedure this spec was made from. */
  preset?: RendaPreset;
}

/** Renda et al.'s (ICLR 2020, "Comparing Rewinding and Fine-tuning in Neural Network Pruning") procedures by name. */
export type RendaPreset = 'renda-weight-rewinding' | 'renda-lr-rewinding';

/** A pruner of a study: a component, and how it prunes when not in one shot. */
export type PrunerEntry = ComponentRef & { iterative?: IterativeSpec };

const DEFAULT_SCHEDULE = 'lrw';
/** LRW over T − k epochs is the original schedule from epoch k: Renda's retraining after a rewind. */
const RENDA_SCHEDULE = 'lrw';

/**
 * Takes the `iterative` keys off a config's pruner entries (they are the harness's, not the
 * pruner's options) and resolves their schedules against the registry. The structure was
 * checked by the config schema already.
 */
export function extractIterative(config: PrunebenchConfig, registry: Registry, file?: string): { config: PrunebenchConfig; iterative: Array<IterativeSpec | undefined> } {
  const errors: ConfigError[] = [];
  const iterative: Array<IterativeSpec | undefined> = [];
  const pruners = (config.pruners ?? []).map((entry, i) => {
    if (typeof entry === 'string' || !entry.iterative) {
      iterative.push(undefined);
      return entry;
    }
    const { iterative: raw, ...rest } = entry as { use: string; iterative: IterativePruning };
    const at = `pruners[${i}].iterative`;
    try {
      iterative.push(iterativeSpec(raw, registry, at, file));
    } catch (error) {
      if (!(error instanceof ConfigErrors)) throw error;
      errors.push(...error.errors);
      iterative.push(undefined);
    }
    return rest as ComponentEntry;
  });
  if (errors.length) throw new ConfigErrors(errors);
  return { config: { ...config, ...(config.pruners ? { pruners } : {}) }, iterative };
}

/** One entry's `iterative` key as a spec: a preset expanded, Renda's rules for rewinding checked (retrainEpochs waits for the recipe). */
function iterativeSpec(raw: IterativePruning, registry: Registry, at: string, file?: string): IterativeSpec {
  const k = raw.rewindEpoch;
  const rewinds = raw.preset !== undefined || k !== undefined;
  if (!rewinds) {
    const schedule = resolveComponentRef(registry, 'schedule', (raw.schedule ?? DEFAULT_SCHEDULE) as Exclude<ComponentEntry, never>, `${at}.schedule`, file);
    return { steps: raw.steps, retrainEpochs: raw.retrainEpochs ?? 1, schedule };
  }
  if (k === undefined) throw new ConfigErrors([new ConfigError(`${at}.rewindEpoch`, `preset "${raw.preset}" rewinds to an epoch k of the original: give "rewindEpoch"`, file)]);
  const scheduleId = typeof raw.schedule === 'string' ? raw.schedule : raw.schedule?.use;
  if (raw.schedule !== undefined && (scheduleId !== RENDA_SCHEDULE || (typeof raw.schedule === 'object' && Object.keys(raw.schedule).length > 1))) {
    throw new ConfigErrors([
      new ConfigError(`${at}.schedule`, `rewinding as Renda et al. retrains under the original schedule from epoch ${k}, which is "${RENDA_SCHEDULE}" over T − ${k} epochs: drop "schedule"`, file),
    ]);
  }
  const schedule = resolveComponentRef(registry, 'schedule', RENDA_SCHEDULE, `${at}.schedule`, file);
  return {
    steps: raw.steps,
    // T − k, filled in by checkIterative from the recipe (0 until then); a given value is checked there.
    retrainEpochs: raw.retrainEpochs ?? 0,
    schedule,
    ...(raw.preset === 'renda-lr-rewinding' ? {} : { rewindEpoch: k }),
    retrainFromEpoch: k,
    ...(raw.preset ? { preset: raw.preset } : {}),
  };
}

/**
 * Checks what needs the recipe — a rewind epoch within the original's training, a trained
 * original for weight rewinding — and completes Renda's rewinding specs: their retraining
 * between steps is T − k epochs (set here; a config that gives another number is refused).
 */
export function checkIterative(pruners: readonly PrunerEntry[], original: { epochs: number; checkpoint?: string }, file?: string): void {
  const errors: ConfigError[] = [];
  pruners.forEach((p, i) => {
    const spec = p.iterative;
    const k = spec?.retrainFromEpoch;
    if (!spec || k === undefined) return;
    const at = `pruners[${i}].iterative`;
    if (spec.rewindEpoch !== undefined && original.checkpoint) {
      errors.push(new ConfigError(`${at}.rewindEpoch`, 'weight rewinding needs the original trained by the study (its epoch checkpoints), not original.checkpoint: remove one of the two', file));
      return;
    }
    if (k >= original.epochs) {
      errors.push(new ConfigError(`${at}.rewindEpoch`, `must be before the end of the original's ${original.epochs} epochs, so that T − k epochs are left to retrain (got ${k})`, file));
      return;
    }
    const remaining = original.epochs - k;
    if (spec.retrainEpochs === 0) spec.retrainEpochs = remaining;
    else if (spec.retrainEpochs !== remaining) {
      errors.push(
        new ConfigError(
          `${at}.retrainEpochs`,
          `rewinding to epoch ${k} as Renda et al. retrains T − k = ${original.epochs} − ${k} = ${remaining} epochs (the original schedule from epoch ${k}); got ${spec.retrainEpochs}: drop "retrainEpochs"`,
          file,
        ),
      );
    }
  });
  if (errors.length) throw new ConfigErrors(errors);
}

/** ` (3 steps, rewind 2)`: what a label adds for an iterative entry. */
export function iterativeLabelSuffix(spec: IterativeSpec | undefined): string {
  if (!spec) return '';
  if (spec.preset) return ` (${spec.preset === 'renda-weight-rewinding' ? 'weight' : 'LR'} rewinding to epoch ${spec.retrainFromEpoch}, ${spec.steps} round${spec.steps === 1 ? '' : 's'})`;
  const parts = [spec.steps > 1 ? `${spec.steps} steps × ${spec.retrainEpochs} ep ${spec.schedule.id}` : 'one shot'];
  if (spec.rewindEpoch !== undefined) parts.push(`rewind ${spec.rewindEpoch}`);
  return ` (${parts.join(', ')})`;
}

/** The epochs at which originals must keep a checkpoint for rewinding, sorted. */
export function rewindEpochs(pruners: readonly PrunerEntry[]): number[] {
  return [...new Set(pruners.flatMap((p) => (p.iterative?.rewindEpoch === undefined ? [] : [p.iterative.rewindEpoch])))].sort((a, b) => a - b);
}

export const rewindCheckpointName = (epoch: number) => `rewind-epoch-${epoch}`;

/**
 * Channels kept by each group after step `i` of `steps`: the final counts reached
 * geometrically, `round(total × (kept / total)^(i / steps))`, so every step removes about the
 * same fraction of what is left and the last step lands exactly on the one-shot plan's counts.
 */
export function stepTargets(groups: readonly GroupPruning[], step: number, steps: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of groups) {
    const keep = step >= steps ? g.kept : Math.round(g.total * (g.kept / g.total) ** (step / steps));
    out.set(g.layers.join('+'), Math.max(g.kept, Math.min(g.total, keep)));
  }
  return out;
}

/** A plan that keeps, in each group of the current model, the step's target count. */
function stepPlan(targets: Map<string, number>): Plan {
  return {
    allocate({ graph }) {
      const counts = new Map<number, number>();
      for (const group of graph.groups) {
        const target = targets.get(group.producers.join('+'));
        if (target !== undefined && group.prunable) counts.set(group.id, Math.max(1, Math.min(group.channels, target)));
      }
      return counts;
    },
  };
}

/** Step `i` of `steps` of a weight-level pruner: cumulative sparsity 1 − (1 − s)^(i / steps). */
export function stepSparsity(sparsity: number, step: number, steps: number): number {
  return step >= steps ? sparsity : 1 - (1 - sparsity) ** (step / steps);
}

export interface IterativeStepLog {
  step: number;
  params: number;
  nonZeroParams?: number;
  /** Multiply-accumulates of one example (format 1 of run.json: `flops`). */
  macs: number;
  /** Mean training loss of the last retraining epoch after this step (none after the last). */
  trainLoss?: number;
}

/** What an iterative prune records in run.json, beside the pruner's own ledger. */
export interface IterativeRecord {
  steps: number;
  retrainEpochs: number;
  schedule: string;
  rewindEpoch: number | null;
  /** Retraining between steps: planned and taken optimizer steps, and samples. Pre-retraining cost. */
  plannedSteps: number;
  optimizerSteps: number;
  samples: number;
  /** digest of the between-steps LR/momentum curve. */
  scheduleDigest: string;
  log: IterativeStepLog[];
}

export interface IterativeInputs {
  original: LayersModel;
  spec: IterativeSpec;
  pruner: Pruner;
  /** The pruner's options, to make one per step for weight-level pruners (sparsity). */
  prunerOptions: Record<string, unknown>;
  makePruner: (options: Record<string, unknown>) => Pruner;
  makeSchedule: (ref: ComponentRef) => Schedule;
  dataset: Dataset;
  seed: number;
  /** The pruner's ledger (its extra passes over every step). */
  ledger: RunLedger;
  recipe: { batchSize: number; weightDecay: number; nesterov: boolean } & Parameters<Schedule['compute']>[0];
  stepsPerEpoch: number;
  /** The original at the rewind epoch (when the spec rewinds); not disposed here. */
  rewindTo?: LayersModel;
  curveDigest: (steps: StepHyperparameters[]) => string;
}

export interface IterativeOutcome {
  model: LayersModel;
  masks?: WeightMasks;
  /** The channel selection of every structured step, in order (a scratch baseline replays them). */
  selections: Array<Array<[number, number[]]>>;
  record: IterativeRecord;
}

/** Thrown when a retraining between steps diverges: the prune fails (nothing to report). */
export class IterativeRetrainingDivergedError extends PrunebenchError {}

/** A channel selection as JSON-friendly `[group, kept channels]` pairs. */
export function selectionEntries(selection: KeptChannels): Array<[number, number[]]> {
  const entries: Array<[number | string, readonly number[]]> = selection instanceof Map ? [...selection] : Object.entries(selection);
  return entries.map(([g, kept]) => [Number(g), [...kept]]);
}

function combineMasks(a: WeightMasks | undefined, b: WeightMasks): WeightMasks {
  if (!a) return b;
  const out: WeightMasks = new Map(b);
  for (const [key, values] of a) {
    const other = b.get(key);
    out.set(key, other ? values.map((v, i) => v * other[i]) : values);
  }
  return out;
}

/** Runs the steps; the returned model is new (the original is left unchanged). */
export async function pruneIteratively(inputs: IterativeInputs): Promise<IterativeOutcome> {
  const { spec, pruner, seed, ledger } = inputs;
  const structured = pruner.requirements.structured;
  const steps = spec.steps;
  const between = inputs.makeSchedule(spec.schedule).compute(inputs.recipe, { epochs: spec.retrainEpochs, stepsPerEpoch: inputs.stepsPerEpoch });
  const retrainLedger = new RunLedger();
  const selections: Array<Array<[number, number[]]>> = [];
  const log: IterativeStepLog[] = [];
  let targets: GroupPruning[] | undefined;
  if (structured && steps > 1) {
    // A one-shot pass on the original says where the plan ends (its kept counts per group).
    const planning = await pruner.prune(inputs.original, createPruneContext({ dataset: inputs.dataset, seed, ledger }));
    planning.model.dispose();
    if (!planning.groups) throw new UsageError('iterative pruning needs a structured pruner that reports its groups (PruneResult.groups)');
    targets = planning.groups;
  }
  if (!structured && steps > 1 && typeof inputs.prunerOptions.sparsity !== 'number') {
    throw new UsageError('iterative pruning of a weight-level pruner needs its "sparsity" option (reached step by step)');
  }
  let current = inputs.original;
  let rewound = inputs.rewindTo;
  let masks: WeightMasks | undefined;
  try {
    for (let step = 1; step <= steps; step++) {
      const stepPruner = !structured && steps > 1 ? inputs.makePruner({ ...inputs.prunerOptions, sparsity: stepSparsity(inputs.prunerOptions.sparsity as number, step, steps) }) : pruner;
      const plan = targets ? stepPlan(stepTargets(targets, step, steps)) : undefined;
      const result = await stepPruner.prune(current, createPruneContext({ dataset: inputs.dataset, seed: seedFor('iterative-prune', seed, step), ledger, ...(plan ? { plan } : {}) }));
      if (current !== inputs.original) current.dispose();
      current = result.model;
      if (result.keptChannels) {
        const selection = selectionEntries(result.keptChannels);
        selections.push(selection);
        if (rewound) {
          const next = applyKeptChannels(rewound, buildChannelGraph(rewound), new Map(selection));
          if (rewound !== inputs.rewindTo) rewound.dispose();
          rewound = next;
        }
      }
      if (result.masks) masks = combineMasks(masks, result.masks);
      if (rewound) current.setWeights(rewound.getWeights());
      if (masks) applyWeightMasks(current, masks);
      const cost = countCost(current, { masks });
      const entry: IterativeStepLog = { step, params: cost.params, macs: cost.macs, ...(masks ? { nonZeroParams: cost.nonZeroParams } : {}) };
      if (step < steps) {
        const outcome = await train(current, {
          data: { dataset: inputs.dataset },
          batchSize: inputs.recipe.batchSize,
          hyperparameters: between,
          stepsPerEpoch: inputs.stepsPerEpoch,
          weightDecay: inputs.recipe.weightDecay,
          nesterov: inputs.recipe.nesterov,
          masks,
          seed: seedFor('iterative-retrain', seed, step),
          ledger: retrainLedger,
          phase: 'iterative-retrain',
        });
        if (outcome.status !== 'completed') throw new IterativeRetrainingDivergedError(`retraining after pruning step ${step} of ${steps}: ${outcome.message}`);
        entry.trainLoss = outcome.history[outcome.history.length - 1]?.loss;
      }
      log.push(entry);
    }
  } catch (error) {
    if (current !== inputs.original) current.dispose();
    throw error;
  } finally {
    if (rewound && rewound !== inputs.rewindTo) rewound.dispose();
  }
  return {
    model: current,
    masks,
    selections,
    record: {
      steps,
      retrainEpochs: spec.retrainEpochs,
      schedule: spec.schedule.label ?? spec.schedule.id,
      rewindEpoch: spec.rewindEpoch ?? null,
      plannedSteps: (steps - 1) * between.length,
      optimizerSteps: retrainLedger.entries.optimizerSteps,
      samples: retrainLedger.entries.samples,
      scheduleDigest: inputs.curveDigest(between),
      log,
    },
  };
}

/**
 * The audit of iterative prunes: each took exactly (steps − 1) × retrainEpochs × S optimizer
 * steps of retraining on batchSize samples each, and prunes of one iterative definition agree.
 * Returns the problems (the caller refuses the report when there are any).
 */
export function auditIterative(records: ReadonlyArray<{ id: string; kind: string; status: string; pruner?: string; seed: number; iterative?: IterativeRecord; definition: Record<string, unknown> }>): string[] {
  const problems: string[] = [];
  const byDefinition = new Map<string, { id: string; steps: number }>();
  for (const r of records) {
    if (r.kind !== 'prune' || r.status !== 'finished' || !r.iterative) continue;
    const it = r.iterative;
    const batch = (r.definition.iterative as { batchSize?: number } | undefined)?.batchSize;
    if (it.optimizerSteps !== it.plannedSteps) problems.push(`${r.id} (${r.pruner}, seed ${r.seed}) took ${it.optimizerSteps} steps of retraining between prunings but planned ${it.plannedSteps}`);
    if (batch !== undefined && it.samples !== it.optimizerSteps * batch) problems.push(`${r.id} (${r.pruner}, seed ${r.seed}) retrained on ${it.samples} samples between prunings, not ${it.optimizerSteps} × ${batch}`);
    const key = JSON.stringify([it.steps, it.retrainEpochs, it.schedule]);
    const seen = byDefinition.get(key);
    if (seen && seen.steps !== it.optimizerSteps) problems.push(`${r.id} took ${it.optimizerSteps} steps of retraining between prunings, ${seen.id} took ${seen.steps} under the same iterative schedule`);
    else if (!seen) byDefinition.set(key, { id: r.id, steps: it.optimizerSteps });
  }
  return problems;
}
