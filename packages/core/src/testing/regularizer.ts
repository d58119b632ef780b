import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Pruner } from '../interfaces/pruner';
import type { Regularizer, RegularizerClass, RegularizerContext } from '../interfaces/regularizer';
import { buildChannelGraph } from '../graph/build-graph';
import { RunLedger } from '../ledger/run-ledger';
import { createComponent } from '../plugin/create';
import { createPruneContext } from '../prune/context';
import { componentChecks, type ConformanceCheck } from './component-checks';
import { conformanceEnvironment, expectNoLeakedTensors, type ConformanceSubject } from './environment';
import { registerSuite } from './suite';
import { conformanceConvNet, randomizeBatchNorms, TinyDataset } from './tiny-fixtures';

export interface RegularizerConformanceOptions extends ConformanceSubject<RegularizerClass> {
  /**
   * The plugins with the structured pruner, a criterion and the plans (`@prunebench/pruners`'
   * plugin): the regularizer is also checked as a config uses it,
   * `{ "use": criterion, "plan": plan, "regularizer": { "use": id, ...options } }`.
   */
  plugins: ConformanceSubject['plugins'];
  /** The criterion of that check (default `l1`). */
  criterion?: string;
  model?: () => LayersModel;
}

function defaultModel(): LayersModel {
  const model = conformanceConvNet();
  randomizeBatchNorms(model);
  return model;
}

/** Half of every prunable group kept: what a `uniform` plan of ratio 0.5 gives, without needing the plan. */
function halfKept(model: LayersModel): RegularizerContext {
  const graph = buildChannelGraph(model);
  const keep = new Map(graph.groups.filter((g) => g.prunable).map((g) => [g.id, Math.max(1, Math.floor(g.channels / 2))]));
  return { model, graph, keep, totalSteps: 100 };
}

const snapshot = (model: LayersModel) => model.weights.map((w) => Array.from(w.read().dataSync()));

/** The checks of `describeRegularizerConformance`, to run with any test runner. */
export function regularizerConformanceChecks(options: RegularizerConformanceOptions): ConformanceCheck[] {
  const makeModel = options.model ?? defaultModel;
  const environment = () => conformanceEnvironment('regularizer', options);
  const id = options.componentClass.id;
  const prepared = async () => {
    const model = makeModel();
    const context = halfKept(model);
    const regularizer = environment().create<Regularizer>();
    await regularizer.prepare?.(context);
    return { model, context, regularizer };
  };
  const value = (regularizer: Regularizer, context: RegularizerContext, step: number) => {
    const penalty = regularizer.penalty(context, step);
    assert.ok(penalty instanceof tf.Tensor && penalty.rank === 0, `penalty() must return a scalar tensor (got ${penalty instanceof tf.Tensor ? `shape [${penalty.shape}]` : typeof penalty})`);
    const v = penalty.dataSync()[0];
    penalty.dispose();
    return v;
  };
  return [
    ...componentChecks('regularizer', options),
    {
      name: 'gives a finite penalty ≥ 0, the same for the same weights and step, leaving the weights as they were and leaking no tensors',
      run: async () => {
        const { model, context, regularizer } = await prepared();
        const before = snapshot(model);
        const first = await expectNoLeakedTensors('the penalty', async () => value(regularizer, context, 10));
        assert.ok(Number.isFinite(first) && first >= 0, `the penalty must be a finite number ≥ 0 (got ${first})`);
        assert.equal(value(regularizer, context, 10), first, 'the same weights and step must give the same penalty');
        assert.deepEqual(snapshot(model), before, 'penalty() changed the weights: it must only read them');
        model.dispose();
      },
    },
    {
      name: "has a gradient with respect to the model's weights (built from the weight variables, inside the tape)",
      run: async () => {
        const { model, context, regularizer } = await prepared();
        const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
        let norm = 0;
        try {
          norm = tf.tidy(() => {
            const { grads } = tf.variableGrads(() => regularizer.penalty(context, 10), variables);
            const parts = Object.values(grads).map((g) => tf.sum(tf.abs(g)));
            return parts.length ? tf.addN(parts).dataSync()[0] : 0;
          });
        } catch {
          // tfjs refuses a loss with no path to the variables: the same failure, said below.
        }
        assert.ok(norm > 0 && Number.isFinite(norm), `the penalty has no gradient with respect to any trainable weight (Σ|∂R/∂w| = ${norm}): compute it with tfjs ops on weight.read(), not from dataSync() values`);
        model.dispose();
      },
    },
    {
      name: 'descending its gradient lowers it (it pulls the weights towards sparsity)',
      run: async () => {
        const { model, context, regularizer } = await prepared();
        const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const start = value(regularizer, context, 10);
        for (let i = 0; i < 5; i++) {
          tf.tidy(() => {
            const { value: r, grads } = tf.variableGrads(() => regularizer.penalty(context, 10), variables);
            const squared = Object.values(grads).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0], 0);
            if (!(squared > 0)) return;
            // A step predicted to remove a tenth of the penalty (first order).
            const eta = (0.1 * r.dataSync()[0]) / squared;
            for (const v of variables) if (grads[v.name]) v.assign(tf.sub(v, tf.mul(grads[v.name], eta)));
          });
        }
        const end = value(regularizer, context, 10);
        assert.ok(end < start, `five gradient steps on the penalty alone took it from ${start} to ${end}: its gradient must point uphill`);
        model.dispose();
      },
    },
    {
      name: 'composed with a criterion and a plan: trains a copy before pruning, charges every step to the ledger, leaves the given model unchanged',
      run: async () => {
        const env = environment();
        const entry = { plan: { use: 'uniform', ratio: 0.5 }, regularizer: { use: id, ...(options.options ?? {}) }, sparsityTraining: { epochs: 1, batchSize: 8, lr: 0.01 } };
        const pruner = createComponent<Pruner>(env.container, env.registry, 'pruner', options.criterion ?? 'l1', entry);
        assert.ok(pruner.requirements.trainsItself, 'a pruner with a regularizer must declare trainsItself: true');
        const model = makeModel();
        const before = snapshot(model);
        const ledger = new RunLedger();
        const dataset = new TinyDataset([8, 8, 2], 3);
        const result = await expectNoLeakedTensors('pruning with a regularizer', async () => {
          const r = await pruner.prune(model, createPruneContext({ dataset, seed: 0, ledger }));
          r.model.dispose();
          return r;
        });
        assert.deepEqual(snapshot(model), before, 'the given model was changed: the sparsity training must train a copy');
        assert.equal(ledger.entries.extraOptimizerSteps, 48 / 8, 'one epoch of 48 examples in batches of 8 is 6 optimizer steps, each charged as extraOptimizerSteps');
        assert.ok(ledger.entries.extraBackwardSamples >= 48);
        assert.ok(result.keptChannels, 'the structured pruner returns the kept channels');
        model.dispose();
      },
    },
  ];
}

/**
 * The jest suite every sparsity regularizer must pass: a valid component class; a finite,
 * non-negative, deterministic scalar penalty that only reads the weights and leaks nothing; a
 * gradient that reaches the weights; a penalty that falls when its gradient is descended; and,
 * composed with a criterion and a plan by the structured pruner, training that is charged step
 * by step and leaves the given model alone.
 *
 * ```ts
 * describeRegularizerConformance({ componentClass: MyRegularizer, plugins: [prunersPlugin] });
 * ```
 */
export function describeRegularizerConformance(options: RegularizerConformanceOptions): void {
  registerSuite(`regularizer "${options.componentClass.id}" conformance`, regularizerConformanceChecks(options));
}
