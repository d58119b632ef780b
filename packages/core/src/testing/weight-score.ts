import assert from 'node:assert/strict';
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs-layers';
import type { Dataset } from '../interfaces/dataset';
import type { Pruner } from '../interfaces/pruner';
import type { WeightScore, WeightScoreClass } from '../interfaces/weight-score';
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

/**
 * What the mask pruner (`mask` in `@prunebench/pruners`) adds to a weight score — the keys a
 * config writes beside `"use"`: `{ "use": "magnitude", "sparsity": 0.8, "scope": "layer" }`.
 */
export interface MaskOptions {
  /** Fraction of the covered weights set to zero, in [0, 0.99]. Required by the pruner; the kit uses 0.5. */
  sparsity?: number;
  /** `global` (default): one threshold over every covered kernel; `layer`: the sparsity in each kernel. */
  scope?: 'global' | 'layer';
  /** Also prune dense kernels (default false: conv kernels only). */
  includeDense?: boolean;
}

export interface WeightScoreConformanceOptions extends ConformanceSubject<WeightScoreClass> {
  /** The plugins with the mask pruner (`@prunebench/pruners`' plugin): the score is also checked as a config names it. */
  plugins: ConformanceSubject['plugins'];
  /** The mask pruner's options for the pruner checks (default `{ sparsity: 0.5 }`). */
  mask?: MaskOptions;
  model?: () => LayersModel;
  dataset?: () => Dataset;
}

/** The checks of `describeWeightScoreConformance`, to run with any test runner. */
export function weightScoreConformanceChecks(options: WeightScoreConformanceOptions): ConformanceCheck[] {
  const makeModel = options.model ?? defaultPruningNet;
  const makeDataset = () => options.dataset?.() ?? new TinyDataset([8, 8, 2], 3);
  const environment = () => conformanceEnvironment('weight-score', options);
  const kernels = (model: LayersModel) => model.weights.filter((w) => /kernel$/.test(w.originalName)) as LayerVariable[];
  const scoreAll = async () => {
    const model = makeModel();
    const dataset = makeDataset();
    const ledger = new RunLedger();
    const score = environment().create<WeightScore>();
    const context = { model, seed: 0, helpers: createPruneContext({ dataset, seed: 0, ledger }).helpers };
    const before = model.weights.map((w) => Array.from(w.read().dataSync()));
    const scores: number[][] = [];
    for (const variable of kernels(model)) {
      const size = (variable.shape as number[]).reduce((a, b) => a * b, 1);
      scores.push(Array.from(checkScores(await score.score(variable, variable.originalName, context), size, `weight score "${options.componentClass.id}" for "${variable.originalName}"`)));
    }
    const changed = JSON.stringify(before) !== JSON.stringify(model.weights.map((w) => Array.from(w.read().dataSync())));
    model.dispose();
    return { requirements: score.requirements, scores, ledger, changed, dataset };
  };
  const entry = { ...(options.options ?? {}), sparsity: 0.5, ...(options.mask ?? {}) };
  const makePruner = () => {
    const env = environment();
    return createComponent<Pruner>(env.container, env.registry, 'pruner', options.componentClass.id, entry);
  };
  return [
    ...componentChecks('weight-score', options),
    {
      name: 'declares its requirements',
      run: async () => {
        const r = environment().create<WeightScore>().requirements;
        assert.ok(r && typeof r.needsData === 'boolean' && typeof r.needsGradients === 'boolean', 'a weight score needs `requirements: { needsData, needsGradients }` (booleans)');
      },
    },
    ...scoringChecks('a weight score', 'kernel with one finite number per weight', scoreAll),
    // And as a config names it: the mask pruner around it passes the pruner checks.
    ...prunerBehaviourChecks({ model: options.model, dataset: options.dataset }, makePruner).map((check) => ({ ...check, name: `as a mask pruner: ${check.name}` })),
  ];
}

/**
 * The jest suite every weight score must pass: a valid component class, declared requirements,
 * one finite score per weight of every kernel, the same scores for the same seed, no leaked
 * tensors, data read only when declared — and, inside the mask pruner with the `mask` options
 * (`sparsity`, `scope`, `includeDense`), every pruner check.
 *
 * ```ts
 * describeWeightScoreConformance({ componentClass: LampScore, plugins: [prunersPlugin], mask: { sparsity: 0.8, scope: 'layer' } });
 * ```
 */
export function describeWeightScoreConformance(options: WeightScoreConformanceOptions): void {
  registerSuite(`weight score "${options.componentClass.id}" conformance`, weightScoreConformanceChecks(options));
}
