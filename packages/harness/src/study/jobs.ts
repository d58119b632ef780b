import { definitionHash } from '../util/hash';
import { componentLabel, type StudyDefinition } from './definition';
import { providerCode } from './identity';
import type { ComponentRef } from '@prunebench/core';
import { SCRATCH_VARIANTS, type ScratchVariant } from './baselines';
import { rewindEpochs, type PrunerEntry } from './iterative';

export type JobKind = 'original' | 'prune' | 'retrain' | 'scratch';

interface JobBase {
  /** `<kind>-<hash of what defines it>`: also the run's folder name, so resume finds it. */
  id: string;
  kind: JobKind;
  seed: number;
  /** Jobs whose outputs this one needs. */
  deps: string[];
  /** What the hash covers (recorded in run.json). */
  definition: Record<string, unknown>;
}

export interface OriginalJob extends JobBase {
  kind: 'original';
}

export interface PruneJob extends JobBase {
  kind: 'prune';
  /** Which pruning of this original (the study's `pruneSeeds`; the seed itself when there are none). */
  pruneSeed: number;
  pruner: PrunerEntry;
  prunerLabel: string;
  originalId: string;
}

export interface RetrainJob extends JobBase {
  kind: 'retrain';
  pruner: ComponentRef;
  prunerLabel: string;
  pruneSeed: number;
  schedule: ComponentRef;
  scheduleLabel: string;
  budget: number;
  pruneId: string;
  originalId: string;
}

/** A baseline: the pruned architecture trained from a fresh initialisation (Scratch-E / B). */
export interface ScratchJob extends JobBase {
  kind: 'scratch';
  variant: ScratchVariant;
  /** The pruning of the original whose architecture is trained from scratch. */
  pruneSeed: number;
  pruner: PrunerEntry;
  prunerLabel: string;
  pruneId: string;
  originalId: string;
}

export type Job = OriginalJob | PruneJob | RetrainJob | ScratchJob;

function componentDefinition(ref: ComponentRef) {
  return { id: ref.id, options: ref.options };
}

/**
 * Expands a study into its jobs, in an order where every job comes after its dependencies:
 * one original per seed, one prune per pruner × seed (× prune seed), one retrain per pruner ×
 * schedule × budget × seed (× prune seed). Ids hash only what defines a job (not labels,
 * workers), so an unchanged job keeps its folder when the study around it grows. With the
 * study's `environment` (identity.ts), ids also cover the code, tfjs, backend, data and
 * checkpoint: an original's, which every later job inherits through its dependency id, and the
 * code of the plugin providing a pruner (its prunes) or a schedule (its retrains).
 */
export function expandStudy(study: StudyDefinition): Job[] {
  const jobs: Job[] = [];
  const { checkpoint, dropLast, ...recipe } = study.original;
  const env = study.environment;
  const code = (kind: 'pruner' | 'schedule' | 'dataset' | 'model', id: string) => (env ? providerCode(env, kind, id) : undefined);
  // Weight rewinding needs the originals' epoch-k weights: part of what an original is then.
  const rewind = rewindEpochs(study.pruners);
  const scratch = SCRATCH_VARIANTS.filter((v) => study.baselines?.includes(v));
  for (const seed of study.seeds) {
    const originalDefinition: Record<string, unknown> = {
      dataset: componentDefinition(study.dataset),
      model: componentDefinition(study.model),
      original: recipe,
      checkpoint: checkpoint ?? null,
      seed,
      dropLast,
      ...(rewind.length ? { rewindEpochs: rewind } : {}),
    };
    if (env) {
      originalDefinition.environment = {
        prunebench: env.prunebench,
        tfjs: env.tfjs,
        backend: env.backend,
        data: env.data,
        checkpoint: env.checkpoint?.digest ?? null,
        datasetCode: code('dataset', study.dataset.id),
        modelCode: code('model', study.model.id),
      };
    }
    const originalId = `original-${definitionHash(originalDefinition)}`;
    jobs.push({ id: originalId, kind: 'original', seed, deps: [], definition: originalDefinition });
    for (const pruner of study.pruners) {
      const iterative = pruner.iterative && {
        ...pruner.iterative,
        schedule: componentDefinition(pruner.iterative.schedule),
        batchSize: recipe.batchSize,
        momentum: recipe.momentum,
        weightDecay: recipe.weightDecay,
        nesterov: recipe.nesterov,
      };
      for (const pruneSeed of study.pruneSeeds ?? [seed]) {
        const pruneDefinition: Record<string, unknown> = { original: originalId, pruner: componentDefinition(pruner), seed, pruneSeed, ...(iterative ? { iterative } : {}) };
        if (env) pruneDefinition.code = code('pruner', pruner.id);
        const pruneId = `prune-${definitionHash(pruneDefinition)}`;
        const prunerLabel = componentLabel(pruner);
        jobs.push({ id: pruneId, kind: 'prune', seed, pruneSeed, deps: [originalId], definition: pruneDefinition, pruner, prunerLabel, originalId });
        for (const variant of scratch) {
          const definition = { prune: pruneId, baseline: variant, original: { ...recipe, dropLast }, seed };
          jobs.push({ id: `scratch-${definitionHash(definition)}`, kind: 'scratch', variant, seed, pruneSeed, deps: [pruneId], definition, pruner, prunerLabel, pruneId, originalId });
        }
        for (const schedule of study.schedules) {
          for (const budget of study.budgets) {
            const retrainDefinition: Record<string, unknown> = {
              prune: pruneId,
              schedule: componentDefinition(schedule),
              budget,
              budgetAccounting: study.budgetAccounting,
              // What retraining inherits from the recipe.
              batchSize: recipe.batchSize,
              momentum: recipe.momentum,
              weightDecay: recipe.weightDecay,
              nesterov: recipe.nesterov,
              dropLast,
              divergence: recipe.divergence,
              seed,
            };
            if (env) retrainDefinition.code = code('schedule', schedule.id);
            jobs.push({
              id: `retrain-${definitionHash(retrainDefinition)}`,
              kind: 'retrain',
              seed,
              pruneSeed,
              deps: [pruneId],
              definition: retrainDefinition,
              pruner,
              prunerLabel,
              schedule,
              scheduleLabel: componentLabel(schedule),
              budget,
              pruneId,
              originalId,
            });
          }
        }
      }
    }
  }
  return jobs;
}

/** A short human name for progress lines: `retrain l1/uniform × clr × 4 ep, seed 0`. */
export function describeJob(job: Job): string {
  switch (job.kind) {
    case 'original':
      return `train original, seed ${job.seed}`;
    case 'prune':
      return `prune ${job.prunerLabel}, seed ${job.seed}${job.pruneSeed !== job.seed ? `, prune seed ${job.pruneSeed}` : ''}`;
    case 'retrain':
      return `retrain ${job.prunerLabel} × ${job.scheduleLabel} × ${job.budget} ep, seed ${job.seed}${job.pruneSeed !== job.seed ? `, prune seed ${job.pruneSeed}` : ''}`;
    case 'scratch':
      return `${job.variant} of ${job.prunerLabel} (from scratch), seed ${job.seed}${job.pruneSeed !== job.seed ? `, prune seed ${job.pruneSeed}` : ''}`;
  }
}
