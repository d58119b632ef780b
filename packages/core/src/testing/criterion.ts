import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Criterion, CriterionClass, CriterionContext } from '../interfaces/criterion';
import type { Dataset } from '../interfaces/dataset';
import type { Pruner } from '../interfaces/pruner';
import { buildChannelGraph } from '../graph/build-graph';
import { RunLedger } from '../ledger/run-ledger';
import { createComponent } from '../plugin/create';
import { createPruneContext } from '../prune/context';
import { checkScores } from '../prune/scores';
import { componentChecks, type ConformanceCheck } from './component-checks';
import { conformanceEnvironment, type ConformanceSubject } from './environment';
import { scoringChecks } from './scoring-checks';
import { prunerBehaviourChecks } from './pruner';
import { registerSuite } from './suite';
import { TinyDataset, defaultPruningNet } from './tiny-fixtures';

export interface CriterionConformanceOptions extends ConformanceSubject<CriterionClass> {
  /**
   * The plugins with the structured pruner and the plans (`@prunebench/pruners`' plugin): the
   * criterion is also checked as a config names it, `{ "use": id, "plan": plan, ...options }`.
   */
  plugins: ConformanceSubject['plugins'];
  /** The plan the pruner checks use (default `{ "use": "uniform", "ratio": 0.5 }`). */
  plan?: string | { use: string; [key: string]: unknown };
  model?: () => LayersModel;
  dataset?: () => Dataset;
}

/** The checks of `describeCriterionConformance`, to run with any test runner. */
export function criterionConformanceChecks(options: CriterionConformanceOptions): ConformanceCheck[] {
  const makeModel = options.model ?? defaultPruningNet;
  const makeDataset = () => options.dataset?.() ?? new TinyDataset([8, 8, 2], 3);
  const environment = () => conformanceEnvironment('criterion', options);
  const scoreAll = async () => {
    const model = makeModel();
    const dataset = makeDataset();
    const ledger = new RunLedger();
    const criterion = environment().create<Criterion>();
    const prune = createPruneContext({ dataset, seed: 0, ledger });
    const graph = buildChannelGraph(model);
    const groups = graph.groups.filter((g) => g.prunable);
    const context: CriterionContext = { model, graph, seed: 0, ledger, helpers: prune.helpers };
    const before = model.weights.map((w) => Array.from(w.read().dataSync()));
    await criterion.prepare?.(groups, context);
    const scores = [];
    for (const group of groups) scores.push(Array.from(checkScores(await criterion.score(group, context), group.channels, `criterion "${options.componentClass.id}" for group ${group.id}`)));
    const changed = JSON.stringify(before) !== JSON.stringify(model.weights.map((w) => Array.from(w.read().dataSync())));
    model.dispose();
    return { requirements: criterion.requirements, scores, ledger, changed, dataset };
  };
  const entry = { ...(options.options ?? {}), plan: options.plan ?? { use: 'uniform', ratio: 0.5 } };
  const makePruner = () => {
    const env = environment();
    return createComponent<Pruner>(env.container, env.registry, 'pruner', options.componentClass.id, entry);
  };
  return [
    ...componentChecks('criterion', options),
    {
      name: 'declares its requirements',
      run: async () => {
        const r = environment().create<Criterion>().requirements;
        assert.ok(r && typeof r.needsData === 'boolean' && typeof r.needsGradients === 'boolean', 'a criterion needs `requirements: { needsData, needsGradients }` (booleans)');
        if (r.needsGradients) assert.ok(r.needsData, 'a criterion that needs gradients needs data too (needsData: true)');
      },
    },
    ...scoringChecks('a criterion', 'prunable group with one finite number per channel', scoreAll),
    // And as a config names it: the structured pruner around it passes the pruner checks.
    ...prunerBehaviourChecks({ model: options.model, dataset: options.dataset }, makePruner).map((check) => ({ ...check, name: `as a pruner with a plan: ${check.name}` })),
  ];
}

/**
 * The jest suite every criterion must pass: a valid component class, declared requirements,
 * finite scores of the right length for every group of the kit's net, the same scores for the
 * same seed, no leaked tensors, data read only through the helpers and only when declared —
 * and, composed with a plan by the structured pruner, every pruner check.
 *
 * ```ts
 * describeCriterionConformance({ componentClass: HRankCriterion, options: { batches: 2, batchSize: 8 }, plugins: [prunersPlugin] });
 * ```
 */
export function describeCriterionConformance(options: CriterionConformanceOptions): void {
  registerSuite(`criterion "${options.componentClass.id}" conformance`, criterionConformanceChecks(options));
}
