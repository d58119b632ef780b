import type { ComponentKind } from '@prunebench/core';
import type { ComponentRef } from '@prunebench/core/config';
import { definitionHash } from '../util/hash';
import type { StudyDefinition } from './definition';
import { providerCode } from './identity';

/** What of a component defines a job: its id and options (not its label). */
export function componentDefinition(ref: ComponentRef): { id: string; options: Record<string, unknown> } {
  return { id: ref.id, options: ref.options };
}

/** The code of the plugin providing a component, when the study has its environment (identity.ts). */
export function providerCodeOf(study: StudyDefinition, kind: ComponentKind, id: string) {
  return study.environment ? providerCode(study.environment, kind, id) : undefined;
}

/** The components every job's identity covers: the study's dataset and model. */
export function studyComponents(study: StudyDefinition): Array<{ kind: ComponentKind; id: string }> {
  return [
    { kind: 'dataset', id: study.dataset.id },
    { kind: 'model', id: study.model.id },
  ];
}

/** A job's id: its kind and the hash of its definition (so an unchanged job keeps its folder). */
export function jobId(kind: string, definition: Record<string, unknown>): string {
  return `${kind}-${definitionHash(definition)}`;
}

/** The recipe's SGD settings a training job inherits. */
export function sgdSettings(study: StudyDefinition) {
  const { batchSize, momentum, weightDecay, nesterov } = study.original;
  return { batchSize, momentum, weightDecay, nesterov };
}

/** `, prune seed 3` when a job's pruning is not the original's seed. */
export function pruneSeedSuffix(job: { seed: number; pruneSeed?: number }): string {
  return job.pruneSeed !== undefined && job.pruneSeed !== job.seed ? `, prune seed ${job.pruneSeed}` : '';
}
