import type { StudyDefinition } from '../study/definition';

/**
 * A study definition for the report's tests (not shipped: only tests import it): a tiny synthetic
 * set-up with every bookkeeping field filled, and what a test varies (pruners, schedules, budgets,
 * seeds, baselines, dataset options) given in `parts`.
 */
export function testStudyDefinition(parts: Partial<Record<keyof StudyDefinition, unknown>>): StudyDefinition {
  return {
    dataset: { id: 'synthetic', options: {} },
    model: { id: 'tiny', options: {} },
    original: { epochs: 4, lr: 0.1, milestones: [2], gamma: 0.1, batchSize: 8, momentum: 0.9, weightDecay: 1e-4, nesterov: false, dropLast: true },
    pruneSeeds: null,
    budgetAccounting: 'retraining',
    identity: { backend: true },
    seeds: [0, 1, 2],
    referenceSchedule: 'ft',
    backend: 'wasm',
    workers: 1,
    out: '',
    configFile: null,
    plugins: [],
    ...parts,
  } as unknown as StudyDefinition;
}
