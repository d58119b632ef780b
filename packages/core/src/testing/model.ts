import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ModelClass, ModelFactory, ModelSpec } from '../interfaces/model';
import { applyKeptChannels } from '../graph/apply-kept-channels';
import { buildChannelGraph } from '../graph/build-graph';
import { componentChecks, type ConformanceCheck } from './component-checks';
import { conformanceEnvironment, expectNoLeakedTensors, type ConformanceSubject } from './environment';
import { registerSuite } from './suite';

export interface ModelConformanceOptions extends ConformanceSubject<ModelClass> {
  /** A small spec to build (keep it tiny: the checks build the model several times). Its seed is replaced. */
  spec: ModelSpec;
  /** Check that halving every prunable group gives a model that still runs (default true). */
  prunable?: boolean;
}

/** Every weight's bytes, in order (compared whole: cheap even for a million parameters). */
const weightsOf = (model: LayersModel): Buffer => Buffer.concat(model.weights.map((w) => Buffer.from((w.read().dataSync() as Float32Array).buffer.slice(0))));

/** The checks of `describeModelConformance`, to run with any test runner. */
export function modelConformanceChecks(options: ModelConformanceOptions): ConformanceCheck[] {
  const create = () => conformanceEnvironment('model', options).create<ModelFactory>();
  const spec = (seed: number): ModelSpec => ({ ...options.spec, inputShape: [...options.spec.inputShape], seed });
  const describeSpec = `[${options.spec.inputShape}] → ${options.spec.numClasses} classes`;
  const withModel = async (seed: number, use: (model: LayersModel) => void | Promise<void>) => {
    const model = create().build(spec(seed));
    try {
      await use(model);
    } finally {
      model.dispose();
    }
  };
  // Big models are slow to build: the checks that only read a seed-1 model share one, which
  // the leak check (the last) disposes before it measures.
  let shared: LayersModel | null = null;
  const withSharedModel = async (use: (model: LayersModel) => void | Promise<void>) => {
    shared ??= create().build(spec(1));
    await use(shared);
  };
  const disposeShared = () => {
    shared?.dispose();
    shared = null;
  };
  return [
    ...componentChecks('model', options),
    {
      name: 'declares usable defaults (defaultInputShape, defaultNumClasses)',
      run: async () => {
        const { defaultInputShape, defaultNumClasses } = options.componentClass;
        if (defaultInputShape !== undefined) {
          assert.ok(Array.isArray(defaultInputShape) && defaultInputShape.length > 0 && defaultInputShape.every((d) => Number.isInteger(d) && d > 0), `defaultInputShape must be positive integers, got ${JSON.stringify(defaultInputShape)}`);
        }
        if (defaultNumClasses !== undefined) assert.ok(Number.isInteger(defaultNumClasses) && defaultNumClasses >= 2, `defaultNumClasses must be an integer ≥ 2, got ${defaultNumClasses}`);
      },
    },
    {
      name: `builds for the spec (${describeSpec}) with the stated input and output shapes, and runs forward`,
      run: async () => {
        await withSharedModel((model) => {
          assert.equal(model.inputs.length, 1, 'a model has one input');
          assert.equal(model.outputs.length, 1, 'a model has one output');
          assert.deepEqual(model.inputs[0].shape, [null, ...options.spec.inputShape], 'the input shape must be [batch, ...spec.inputShape]');
          assert.deepEqual(model.outputs[0].shape, [null, options.spec.numClasses], 'the output shape must be [batch, spec.numClasses]');
          tf.tidy(() => {
            const x = tf.randomUniform([2, ...options.spec.inputShape], 0, 1, 'float32', 5);
            const y = model.predict(x) as tf.Tensor;
            assert.deepEqual(y.shape, [2, options.spec.numClasses]);
            assert.ok(y.dataSync().every(Number.isFinite), 'the forward pass gave non-finite outputs');
          });
        });
      },
    },
    {
      name: 'initialises deterministically from spec.seed (same seed, same weights; another seed, other weights)',
      run: async () => {
        let first: Buffer = Buffer.alloc(0);
        await withSharedModel((m) => void (first = weightsOf(m)));
        let again: Buffer = Buffer.alloc(0);
        await withModel(1, (m) => void (again = weightsOf(m)));
        assert.ok(again.equals(first), 'building twice with the same seed gave different weights: seed every initialiser from spec.seed');
        let other: Buffer = Buffer.alloc(0);
        await withModel(4, (m) => void (other = weightsOf(m)));
        assert.ok(!other.equals(first), 'building with another seed gave the same weights: the seed must reach the initialisers');
      },
    },
    ...(options.prunable === false
      ? []
      : [
          {
            name: 'prunes through the channel graph: halving every prunable group gives a model that still runs',
            run: async () => {
              await withSharedModel((model) => {
                const graph = buildChannelGraph(model);
                const prunable = graph.groups.filter((g) => g.prunable && g.channels > 1);
                assert.ok(prunable.length > 0, 'the channel graph finds no prunable group: structured pruners cannot prune this model');
                const selection = new Map(prunable.map((g) => [g.id, Array.from({ length: Math.ceil(g.channels / 2) }, (_, k) => k)]));
                const smaller = applyKeptChannels(model, graph, selection);
                try {
                  assert.ok(smaller.countParams() < model.countParams(), 'pruning half the channels did not make the model smaller');
                  tf.tidy(() => {
                    const y = smaller.predict(tf.ones([1, ...options.spec.inputShape])) as tf.Tensor;
                    assert.deepEqual(y.shape, [1, options.spec.numClasses]);
                  });
                } finally {
                  smaller.dispose();
                }
              });
            },
          },
        ]),
    {
      name: 'leaks no tensors (build, predict, dispose)',
      run: async () => {
        // Warm-up: tfjs keeps a few tensors on first use (the shared model has usually done it).
        if (!shared) await withSharedModel(() => undefined);
        disposeShared();
        await expectNoLeakedTensors('build + predict + dispose', () =>
          withModel(1, (model) => {
            tf.tidy(() => void model.predict(tf.zeros([1, ...options.spec.inputShape])));
          }),
        );
      },
    },
  ];
}

/**
 * The jest suite every model must pass: a valid component class with validated options; it
 * builds for the spec with input [batch, ...inputShape] and output [batch, numClasses], runs
 * forward, initialises the same from the same seed, leaks no tensors, and prunes through the
 * channel graph.
 */
export function describeModelConformance(options: ModelConformanceOptions): void {
  registerSuite(`model "${options.componentClass.id}" conformance`, modelConformanceChecks(options));
}
