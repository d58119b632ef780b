import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import { describeRegularizerConformance, failedChecks as failures, regularizerConformanceChecks, TinyDataset, useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { OPTIONS, buildChannelGraph, createPruneContext, RunLedger, type Regularizer, type RegularizerContext } from '@prunebench/core';
import { plugin } from '../index';
import { makePruner, randomizeBatchNorms, tinyConvNet } from '../testing/fixtures';
import { GrowingRegRegularizer } from './regularizers';

// The kit runs on the backend its caller sets up: the one users get.
beforeAll(() => useBackend(wasmBackend));

// Every built-in regularizer through the kit, as a third party's would run.
for (const componentClass of plugin.regularizers) describeRegularizerConformance({ componentClass, plugins: [plugin], options: componentClass.id === 'growing-reg' ? { delta: 0.01 } : {} });

/** λ Σ|w| of the conv kernels, read out with dataSync: the right value, and no gradient. */
@injectable()
class DetachedRegularizer implements Regularizer {
  static readonly id = 'detached';
  static readonly description = 'a broken L1: computed from dataSync() values';
  static readonly optionsSchema = { type: 'object', properties: { lambda: { type: 'number', default: 1e-3 } }, additionalProperties: false };
  constructor(@inject(OPTIONS) private readonly options: { lambda: number }) {}
  penalty({ model }: RegularizerContext): tf.Scalar {
    let sum = 0;
    for (const w of model.trainableWeights) if (/kernel$/.test(w.originalName)) for (const v of w.read().dataSync()) sum += Math.abs(v);
    return tf.scalar(this.options.lambda * sum);
  }
}

/** The negated L1: a gradient that pushes weights away from zero. */
@injectable()
class UphillRegularizer implements Regularizer {
  static readonly id = 'uphill';
  static readonly description = 'a broken L1: negative, its gradient grows the weights';
  penalty({ model }: RegularizerContext): tf.Scalar {
    return tf.tidy(() => tf.neg(tf.addN(model.trainableWeights.filter((w) => /kernel$/.test(w.originalName)).map((w) => tf.sum(tf.abs(w.read()))))) as tf.Scalar);
  }
}

describe('the regularizer conformance kit', () => {
  it('fails a penalty computed off the tape, and one that pushes weights away from zero, saying why', async () => {
    const detached = await failures(regularizerConformanceChecks({ componentClass: DetachedRegularizer, plugins: [plugin] }));
    expect(Object.values(detached).join('\n')).toMatch(/no gradient with respect to any trainable weight/);
    const uphill = await failures(regularizerConformanceChecks({ componentClass: UphillRegularizer, plugins: [plugin] }));
    expect(Object.values(uphill).join('\n')).toMatch(/finite number ≥ 0/);
    expect(Object.values(uphill).join('\n')).toMatch(/gradient must point uphill|took it from/);
  });
});

describe('built-in regularizers', () => {
  it('slimming is λΣ|γ| over the BatchNorm scales, and its gradient λ·sign(γ) (hand-computed)', () => {
    const model = tinyConvNet(4);
    randomizeBatchNorms(model);
    const regularizer = new (plugin.regularizers.find((r) => r.id === 'slimming')!)({ lambda: 0.5 }) as Regularizer;
    const context = { model, graph: buildChannelGraph(model), keep: new Map(), totalSteps: 1 };
    const gammas = ['bn1', 'bn2'].map((name) => Array.from(model.getLayer(name).getWeights()[0].dataSync()));
    const expected = 0.5 * gammas.flat().reduce((s, v) => s + Math.abs(v), 0);
    const penalty = regularizer.penalty(context, 0);
    expect(penalty.dataSync()[0]).toBeCloseTo(expected, 5);
    penalty.dispose();
    const gamma = model.getLayer('bn1').weights[0].read() as tf.Variable;
    const g = tf.tidy(() => Array.from(tf.variableGrads(() => regularizer.penalty(context, 0), [gamma]).grads[gamma.name].dataSync()));
    expect(g).toEqual(gammas[0].map((v) => 0.5 * Math.sign(v)));
    model.dispose();
  });

  it('group-lasso is λ Σ_groups Σ_channels √(‖filter‖² + ε) (hand-computed on one group)', () => {
    const model = tinyConvNet(6);
    const graph = buildChannelGraph(model);
    const regularizer = new (plugin.regularizers.find((r) => r.id === 'group-lasso')!)({ lambda: 2 }) as Regularizer;
    const columns = (name: string) => {
      const layer = model.getLayer(name);
      const [kernel, bias] = layer.getWeights();
      const out = kernel.shape[kernel.shape.length - 1];
      const k = kernel.dataSync();
      const b = bias?.dataSync();
      return Array.from({ length: out }, (_, c) => {
        let s = b ? b[c] * b[c] : 0;
        for (let i = c; i < k.length; i += out) s += k[i] * k[i];
        return Math.sqrt(s + 1e-8);
      });
    };
    const prunable = graph.groups.filter((g) => g.prunable).flatMap((g) => g.producers);
    expect(prunable).toEqual(['conv1', 'conv2']);
    const expected = 2 * [...columns('conv1'), ...columns('conv2')].reduce((a, b) => a + b, 0);
    const penalty = regularizer.penalty({ model, graph, keep: new Map(), totalSteps: 1 }, 0);
    expect(penalty.dataSync()[0]).toBeCloseTo(expected, 4);
    penalty.dispose();
    model.dispose();
  });

  it('growing-reg penalises only the lowest-l1 filters the plan removes, with λ growing by Δ every K steps up to the ceiling', async () => {
    const regularizer = new GrowingRegRegularizer({ delta: 0.1, interval: 3, ceiling: 0.25 });
    expect([0, 2, 3, 5, 6, 9, 100].map((t) => regularizer.lambdaAt(t))).toEqual([0.1, 0.1, 0.2, 0.2, 0.25, 0.25, 0.25]);
    const model = tinyConvNet(8);
    const graph = buildChannelGraph(model);
    const conv1 = graph.groups.find((g) => g.producers.includes('conv1'))!;
    await regularizer.prepare({ model, graph, keep: new Map([[conv1.id, 3]]), totalSteps: 10 });
    const kernel = model.getLayer('conv1').weights[0].read() as tf.Variable;
    const k = kernel.dataSync();
    const l1 = Array.from({ length: 4 }, (_, c) => Array.from(k).filter((_, i) => i % 4 === c).reduce((s, v) => s + Math.abs(v), 0));
    const weakest = l1.indexOf(Math.min(...l1));
    const grad = tf.tidy(() => Array.from(tf.variableGrads(() => regularizer.penalty({ model, graph, keep: new Map(), totalSteps: 10 }, 4), [kernel]).grads[kernel.name].dataSync()));
    // ∂(½ λ ‖w‖²)/∂w = λ w on the weakest filter's column, 0 elsewhere; λ = 0.2 at step 4.
    grad.forEach((g, i) => expect(g).toBeCloseTo(i % 4 === weakest ? 0.2 * k[i] : 0, 6));
    model.dispose();
  });

  it('slimming composed with bn-scale and a global plan trains first: the trained scales decide, and each step is charged', async () => {
    const model = tinyConvNet(2);
    randomizeBatchNorms(model);
    const ledger = new RunLedger();
    const dataset = new TinyDataset([6, 6, 2], 3, { train: 32, validation: 0, test: 0 });
    const pruner = makePruner('bn-scale', { plan: { use: 'global', ratio: 0.3 }, regularizer: { use: 'slimming', lambda: 1e-3 }, sparsityTraining: { epochs: 2, batchSize: 8 } });
    expect(pruner.requirements).toMatchObject({ trainsItself: true, needsData: true, needsGradients: true });
    const result = await pruner.prune(model, createPruneContext({ dataset, seed: 0, ledger }));
    expect(ledger.entries.extraOptimizerSteps).toBe(8);
    expect(ledger.entries.extraForwardSamples).toBe(64);
    expect(result.model.countParams()).toBeLessThan(model.countParams());
    result.model.dispose();
    model.dispose();
  });

  it('refuses sparsityTraining without a regularizer, and an unknown regularizer by name', () => {
    expect(() => makePruner('l1', { plan: { use: 'uniform', ratio: 0.5 }, sparsityTraining: { epochs: 1 } })).toThrow(/give one too/);
    expect(() => makePruner('l1', { plan: { use: 'uniform', ratio: 0.5 }, regularizer: 'slimmming' })).toThrow(/slimming/);
  });
});
