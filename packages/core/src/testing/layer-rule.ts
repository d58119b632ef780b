import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { applyKeptChannels } from '../graph/apply-kept-channels';
import { buildChannelGraph } from '../graph/build-graph';
import { registerLayerRule, validateLayerRule, type LayerRule } from '../graph/layer-rules';
import { zeroDroppedChannels } from '../graph/zero-dropped-channels';
import { cloneModel } from '../prune/clone-model';
import { Rng } from '../util/rng';
import type { ConformanceCheck } from './component-checks';
import { expectNoLeakedTensors } from './environment';
import { registerSuite } from './suite';

export interface LayerRuleConformanceOptions {
  rule: LayerRule;
  /**
   * A small network using the layer class (registered with tfjs serialization, as loading and
   * pruning need): a new one per call, the same weights every call. Channels should reach the
   * layer from a conv and leave it to a conv or dense layer, so the rule is exercised both ways.
   */
  model: () => LayersModel;
}

/** Every other channel of each prunable group (at least one kept, at least one dropped). */
function everyOther(model: LayersModel) {
  const graph = buildChannelGraph(model);
  const keep = new Map(graph.groups.filter((g) => g.prunable && g.channels > 1).map((g) => [g.id, Array.from({ length: g.channels }, (_, k) => k).filter((k) => k % 2 === 0)]));
  return { graph, keep };
}

/** The layer rule suite's checks, to run with any test runner. */
export function layerRuleConformanceChecks(options: LayerRuleConformanceOptions): ConformanceCheck[] {
  const { rule } = options;
  const layersOfClass = (model: LayersModel) => model.layers.filter((l) => l.getClassName() === rule.className);
  /** Outputs of the pruned model, and of the original with the dropped channels zeroed: they must agree. */
  const compare = async () => {
    registerLayerRule(rule);
    const model = options.model();
    const { graph, keep } = everyOther(model);
    const pruned = applyKeptChannels(model, graph, keep);
    const reference = await cloneModel(model);
    zeroDroppedChannels(reference, graph, keep);
    const rng = new Rng(0, 'layer-rule-input');
    // A batch of two seeded inputs (unknown dims become 2).
    const dims = (model.inputs[0].shape as Array<number | null>).slice(1).map((d) => d ?? 2);
    const error = tf.tidy(() => {
      const x = tf.tensor(Float32Array.from({ length: 2 * dims.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1), [2, ...dims]);
      const a = pruned.predict(x) as tf.Tensor;
      const b = reference.predict(x) as tf.Tensor;
      return { diff: tf.max(tf.abs(tf.sub(a, b))).dataSync()[0], scale: tf.max(tf.abs(b)).dataSync()[0] };
    });
    [model, pruned, reference].forEach((m) => m.dispose());
    return { ...error, pruned: keep.size };
  };
  return [
    {
      name: 'is a layer rule: a className and a trace function',
      run: async () => validateLayerRule(rule, `layer rule for "${rule.className}"`),
    },
    {
      name: 'the channel graph traces the model through the layer',
      run: async () => {
        registerLayerRule(rule);
        const model = options.model();
        try {
          assert.ok(layersOfClass(model).length > 0, `the model has no layer of class "${rule.className}": give a model that uses it`);
          const graph = buildChannelGraph(model);
          if (!rule.opaque) {
            const touched = graph.groups.filter((g) => g.prunable && g.members.some((m) => layersOfClass(model).some((l) => l.name === m.layer)));
            assert.ok(touched.length > 0, `no prunable group passes through the "${rule.className}" layer: the rule leaves its channels whole (use opaqueLayerRule for that)`);
          }
        } finally {
          model.dispose();
        }
      },
    },
    {
      name: 'pruning through the layer computes what the original computes with the dropped channels zeroed',
      run: async () => {
        const { diff, scale, pruned } = await compare();
        assert.ok(pruned > 0, 'nothing in the model could be pruned');
        assert.ok(diff <= 1e-4 * Math.max(1, scale), `the pruned model's outputs differ from the original's with the dropped channels zeroed by ${diff} (output scale ${scale}): a weight axis the rule leaves out, or one it names wrongly`);
      },
    },
    {
      name: 'leaks no tensors',
      run: async () => void (await expectNoLeakedTensors('pruning through the layer', compare)),
    },
  ];
}

/**
 * The jest suite every layer rule must pass: a valid rule, a model using the layer traced
 * through it, and pruning through it exact — the physically smaller model computes what the
 * original computes with the dropped channels' weights zeroed (so no weight axis is dropped or
 * misnamed) — with no leaked tensors.
 *
 * ```ts
 * describeLayerRuleConformance({ rule: channelScaleRule, model: () => netWithChannelScale() });
 * ```
 */
export function describeLayerRuleConformance(options: LayerRuleConformanceOptions): void {
  registerSuite(`layer rule "${options.rule.className}" conformance`, layerRuleConformanceChecks(options));
}
