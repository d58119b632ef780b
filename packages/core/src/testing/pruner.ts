import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Pruner, PrunerClass, PruneResult, WeightMasks } from '../interfaces/pruner';
import type { Dataset } from '../interfaces/dataset';
import { buildChannelGraph } from '../graph/build-graph';
import type { ChannelGraph } from '../graph/types';
import { RunLedger } from '../ledger/run-ledger';
import { createPruneContext } from '../prune/context';
import { componentChecks, type ConformanceCheck } from './component-checks';
import { conformanceEnvironment, expectNoLeakedTensors, type ConformanceSubject } from './environment';
import { registerSuite } from './suite';
import { TinyDataset, defaultPruningNet } from './tiny-fixtures';

export interface PrunerConformanceOptions extends ConformanceSubject<PrunerClass> {
  /**
   * Makes the (trained or not) model to prune: a new one per call, the same weights every call.
   * Default: `conformanceConvNet()` (conv/BN/ReLU, a residual add, pooling, flatten → dense) with
   * random BatchNorm statistics.
   */
  model?: () => LayersModel;
  /** Calibration data for pruners that need it; default a tiny seeded dataset matching the model. */
  dataset?: () => Dataset;
  /** The seed pruning runs with (default 0). */
  seed?: number;
}

function selectionEntries(result: PruneResult): Array<[number, readonly number[]]> {
  const selection = result.keptChannels;
  if (!selection) return [];
  return selection instanceof Map ? [...selection.entries()] : Object.entries(selection).map(([k, v]) => [Number(k), v as readonly number[]]);
}

function masksAsObject(masks: WeightMasks | undefined): Record<string, number[]> {
  return Object.fromEntries([...(masks ?? new Map()).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, Array.from(v)]));
}

function weightShapes(model: LayersModel): Map<string, number[]> {
  return new Map(model.weights.map((w) => [w.originalName, [...w.shape] as number[]]));
}

/** Output-channel count of a producer layer: its kernel's (or pointwise kernel's) last axis, else its units. */
function producerWidth(shapes: Map<string, number[]>, layer: string): number | undefined {
  const kernel = shapes.get(`${layer}/pointwise_kernel`) ?? shapes.get(`${layer}/kernel`);
  return kernel ? kernel[kernel.length - 1] : undefined;
}

/**
 * What the graph predicts the pruned model's weights look like: every producer of a pruned group
 * has `kept` outputs; every consumer's input axis and every BatchNorm shrink by the channels its
 * groups lost (× the spatial positions a Flatten folds in).
 */
function checkShapesAgainstGraph(graph: ChannelGraph, kept: Map<number, number>, original: LayersModel, pruned: LayersModel): void {
  const before = weightShapes(original);
  const after = weightShapes(pruned);
  const removedPerLayer = new Map<string, { channels: number; spatial: number; removed: number; role: string }>();
  for (const group of graph.groups) {
    const removed = group.channels - (kept.get(group.id) ?? group.channels);
    for (const member of group.members) {
      if (member.role === 'producer') {
        const width = producerWidth(after, member.layer);
        if (width !== undefined) {
          assert.equal(width, kept.get(group.id) ?? group.channels, `layer "${member.layer}" produces group ${group.id}: it should have ${kept.get(group.id) ?? group.channels} output channels after pruning, has ${width}`);
        }
      } else if (member.role === 'consumer' || member.role === 'batchnorm') {
        const entry = removedPerLayer.get(member.layer) ?? { channels: member.channels, spatial: member.spatial, removed: 0, role: member.role };
        entry.removed += removed;
        removedPerLayer.set(member.layer, entry);
      }
    }
  }
  for (const [layer, { channels, spatial, removed, role }] of removedPerLayer) {
    const expected = spatial * (channels - removed);
    if (role === 'batchnorm') {
      const gamma = after.get(`${layer}/gamma`) ?? after.get(`${layer}/moving_mean`);
      if (gamma) assert.equal(gamma[0], expected, `BatchNorm "${layer}" should have ${expected} channels after pruning, has ${gamma[0]}`);
    } else {
      const name = after.has(`${layer}/pointwise_kernel`) ? `${layer}/depthwise_kernel` : `${layer}/kernel`;
      const shape = after.get(name);
      if (shape) {
        const inputAxis = shape.length - 2;
        assert.equal(shape[inputAxis], expected, `layer "${layer}" reads pruned channels: its kernel's input axis should be ${expected} after pruning, is ${shape[inputAxis]} (was ${before.get(name)?.[inputAxis]})`);
      }
    }
  }
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'the pruned model must keep every weight of the original (same layers, smaller shapes)');
}

function checkRuns(model: LayersModel, classes: number): void {
  const inputShape = (model.inputs[0].shape as Array<number | null>).slice(1) as number[];
  tf.tidy(() => {
    const y = model.predict(tf.ones([2, ...inputShape])) as tf.Tensor;
    assert.deepEqual(y.shape, [2, classes], `the pruned model should output [2, ${classes}], got [${y.shape}]`);
    const values = y.dataSync();
    assert.ok(values.every(Number.isFinite), 'the pruned model gave non-finite outputs');
  });
}

/** The checks of `describePrunerConformance`, to run with any test runner. */
export function prunerConformanceChecks(options: PrunerConformanceOptions): ConformanceCheck[] {
  return [...componentChecks('pruner', options), ...prunerBehaviourChecks(options, () => conformanceEnvironment('pruner', options).create<Pruner>())];
}

/** What a pruner must do once made (`create` makes a fresh one): shared with the criterion kit. */
export function prunerBehaviourChecks(options: Omit<PrunerConformanceOptions, 'componentClass'>, create: () => Pruner): ConformanceCheck[] {
  const makeModel = options.model ?? defaultPruningNet;
  const seed = options.seed ?? 0;
  const makeDataset = (model: LayersModel): Dataset => {
    if (options.dataset) return options.dataset();
    const shape = (model.inputs[0].shape as Array<number | null>).slice(1) as number[];
    const classes = (model.outputs[0].shape as Array<number | null>)[1] as number;
    return new TinyDataset(shape, classes);
  };

  /** Prunes a fresh model; returns the result and what was spent, leaving no tensors of its own. */
  const pruneOnce = async (pruneSeed = seed) => {
    const model = makeModel();
    const dataset = makeDataset(model);
    const ledger = new RunLedger();
    const pruner = create();
    const before = model.weights.map((w) => Array.from(w.read().dataSync()));
    const result = await pruner.prune(model, createPruneContext({ dataset, seed: pruneSeed, ledger }));
    const after = model.weights.map((w) => Array.from(w.read().dataSync()));
    return { model, dataset, ledger, pruner, result, originalChanged: JSON.stringify(before) !== JSON.stringify(after) };
  };
  const dispose = (...models: LayersModel[]) =>
    new Set(models).forEach((m) => {
      try {
        m.dispose();
      } catch {
        // already disposed (a pruned model that shares layers: the check above reports it)
      }
    });

  const checks: ConformanceCheck[] = [
    {
      name: 'declares its requirements',
      run: async () => {
        const pruner = create();
        const r = pruner.requirements;
        assert.ok(r && typeof r === 'object', 'a pruner needs a `requirements` object');
        for (const key of ['structured', 'needsData', 'needsGradients', 'trainsItself'] as const) {
          assert.equal(typeof r[key], 'boolean', `requirements.${key} must be a boolean`);
        }
        if (r.needsGradients) assert.ok(r.needsData, 'a pruner that needs gradients needs data too (needsData: true)');
      },
    },
    {
      name: 'returns a new model and leaves the given one unchanged',
      run: async () => {
        const { model, result, originalChanged } = await pruneOnce();
        try {
          assert.notEqual(result.model, model, 'prune must return a new model, not the one it was given');
          assert.ok(!originalChanged, 'prune changed the weights of the model it was given');
          // The harness disposes the pruned model and keeps using the original (cached) one.
          result.model.dispose();
          try {
            checkRuns(model, (model.outputs[0].shape as Array<number | null>)[1] as number);
          } catch (error) {
            assert.fail(`after disposing the pruned model the original no longer runs (${(error as Error).message}): the pruned model must own copies of its weights, not share the original's layers`);
          }
        } finally {
          dispose(model);
        }
      },
    },
    {
      name: 'is deterministic with a seed',
      run: async () => {
        const first = await pruneOnce();
        const second = await pruneOnce();
        try {
          assert.deepEqual(selectionEntries(second.result), selectionEntries(first.result), 'the same seed must keep the same channels');
          assert.deepEqual(masksAsObject(second.result.masks), masksAsObject(first.result.masks), 'the same seed must give the same masks');
          assert.deepEqual(weightShapes(second.result.model), weightShapes(first.result.model));
        } finally {
          dispose(first.model, first.result.model, second.model, second.result.model);
        }
      },
    },
    {
      name: 'leaks no tensors',
      run: async () => {
        // One warm-up run: tfjs allocates a few lasting tensors (e.g. cached scalars) on first use.
        const warm = await pruneOnce();
        dispose(warm.model, warm.result.model);
        await expectNoLeakedTensors('pruning', async () => {
          const { model, result } = await pruneOnce();
          dispose(model, result.model);
        });
      },
    },
    {
      name: 'charges the ledger for the data it reads',
      run: async () => {
        const { model, result, ledger, pruner, dataset } = await pruneOnce();
        dispose(model, result.model);
        const entries = ledger.entries;
        const served = dataset instanceof TinyDataset ? dataset.served : undefined;
        if (pruner.requirements.needsData) {
          assert.ok(entries.extraForwardSamples > 0, 'a pruner that needs data must charge its calibration forward passes (ledger.charge("extraForwardSamples", n))');
          if (served !== undefined) assert.ok(served > 0, 'a pruner that needs data should read context.dataset');
        } else {
          assert.equal(entries.extraForwardSamples, 0, 'a pruner that does not need data must not charge forward passes (or declare needsData: true)');
          if (served !== undefined) assert.equal(served, 0, 'a pruner that declares needsData: false read the dataset');
        }
        if (pruner.requirements.needsGradients) {
          assert.ok(entries.extraBackwardSamples > 0, 'a pruner that needs gradients must charge its backward passes (ledger.charge("extraBackwardSamples", n))');
        } else {
          assert.equal(entries.extraBackwardSamples, 0, 'a pruner without needsGradients must not charge backward passes');
        }
        if (!pruner.requirements.trainsItself) assert.equal(entries.extraOptimizerSteps, 0, 'a pruner that does not train itself must not charge optimizer steps');
      },
    },
    {
      name: 'prunes consistently with its kind (structured: a smaller model matching the channel graph; unstructured: exact-zero masks)',
      run: async () => {
        const { model, result, pruner } = await pruneOnce();
        try {
          const classes = (model.outputs[0].shape as Array<number | null>)[1] as number;
          if (pruner.requirements.structured) {
            const graph = buildChannelGraph(model);
            assert.ok(result.keptChannels, 'a structured pruner must return its selection (kept channels per group)');
            assert.ok(result.groups, 'a structured pruner must return groups (kept / total per prunable group)');
            const kept = new Map<number, number>();
            for (const [id, indices] of selectionEntries(result)) {
              const group = graph.groups[id];
              assert.ok(group, `the selection names group ${id}, which the model's graph does not have`);
              assert.ok(indices.length >= 1 && indices.length <= group.channels, `group ${id} keeps ${indices.length} of ${group.channels} channels: must be 1 … ${group.channels}`);
              indices.forEach((k, i) => assert.ok(Number.isInteger(k) && k >= 0 && k < group.channels && (i === 0 || k > indices[i - 1]), `group ${id}: kept indices must be sorted, distinct, in 0 … ${group.channels - 1}`));
              if (indices.length < group.channels) assert.ok(group.prunable, `group ${id} is not prunable (${group.reasons.join('; ')}) but was pruned`);
              kept.set(id, indices.length);
            }
            assert.ok([...kept.values()].some((k, i) => k < graph.groups[[...kept.keys()][i]].channels), 'the sample options should remove some channels of the test model (the checks would prove nothing otherwise)');
            for (const g of result.groups) {
              const group = graph.groups[g.group];
              assert.ok(group, `groups[] names group ${g.group}, which the model's graph does not have`);
              assert.equal(g.total, group.channels, `groups[]: group ${g.group} has ${group.channels} channels, reported total ${g.total}`);
              assert.ok(g.kept <= g.total && g.kept >= 1, `groups[]: group ${g.group} keeps ${g.kept} of ${g.total}`);
              assert.equal(g.kept, kept.get(g.group) ?? group.channels, `groups[]: group ${g.group} reports ${g.kept} kept, the selection keeps ${kept.get(g.group) ?? group.channels}`);
            }
            checkShapesAgainstGraph(graph, kept, model, result.model);
            const prunedGraph = buildChannelGraph(result.model);
            for (const group of graph.groups) {
              const twin = prunedGraph.groups.find((g) => g.producers.join() === group.producers.join());
              if (twin) assert.equal(twin.channels, kept.get(group.id) ?? group.channels, `the pruned model's graph: group of ${group.producers.join(', ')} should have ${kept.get(group.id) ?? group.channels} channels`);
            }
          } else {
            assert.ok(result.masks && result.masks.size > 0, 'an unstructured pruner must return weight masks');
            const weights = new Map(result.model.weights.map((w) => [w.originalName, w]));
            assert.deepEqual(weightShapes(result.model), weightShapes(model), 'an unstructured pruner keeps every weight shape');
            let zeros = 0;
            for (const [name, mask] of result.masks) {
              const variable = weights.get(name);
              assert.ok(variable, `mask "${name}" names no variable of the model (use the variable's originalName, e.g. "conv1/kernel")`);
              assert.equal(mask.length, (variable.shape as number[]).reduce((a, b) => a * b, 1), `mask "${name}" has ${mask.length} entries, the variable ${(variable.shape as number[]).reduce((a, b) => a * b, 1)}`);
              const values = variable.read().dataSync();
              mask.forEach((m, i) => {
                assert.ok(m === 0 || m === 1, `mask "${name}" holds ${m}: masks are 0 or 1`);
                if (m === 0) {
                  assert.equal(values[i], 0, `"${name}"[${i}] is masked but not exactly zero in the returned model`);
                  zeros++;
                }
              });
            }
            assert.ok(zeros > 0, 'the sample options should mask some weights of the test model (the checks would prove nothing otherwise)');
          }
          checkRuns(result.model, classes);
        } finally {
          dispose(model, result.model);
        }
      },
    },
  ];
  return checks;
}

/**
 * The jest suite every pruner must pass: a valid component class with validated options,
 * declared requirements, a new model with the original unchanged, the same result for the
 * same seed, no leaked tensors, honest ledger charges, and — structured — a physically smaller
 * model exactly as the channel graph predicts (kept ≤ total per group, weight shapes, still
 * runs) or — unstructured — 0/1 masks matching the variables with exact zeros.
 *
 * ```ts
 * describePrunerConformance({ componentClass: HRankPruner, options: { plan: { use: 'uniform', ratio: 0.5 } }, plugins: [prunersPlugin] });
 * ```
 */
export function describePrunerConformance(options: PrunerConformanceOptions): void {
  registerSuite(`pruner "${options.componentClass.id}" conformance`, prunerConformanceChecks(options));
}
