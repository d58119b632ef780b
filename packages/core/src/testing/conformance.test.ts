// The kit's own tests: each suite passes a well-behaved component and fails a broken one, with
// a message that says what is wrong — a conformance check that cannot fail would prove nothing.
import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { inject, injectable } from 'tsyringe';
import { OPTIONS } from '../tokens';
import type { Budget, OriginalRecipe, Schedule, StepHyperparameters } from '../interfaces/schedule';
import type { ModelFactory, ModelSpec } from '../interfaces/model';
import type { Batch, BatchOptions, Dataset, SplitName } from '../interfaces/dataset';
import type { Pruner, PruneContext, PruneResult } from '../interfaces/pruner';
import { buildChannelGraph } from '../graph/build-graph';
import { applyKeptChannels } from '../graph/apply-kept-channels';
import { failedChecks } from './component-checks';
import { useCpuBackend } from './environment';
import { scheduleConformanceChecks } from './schedule';
import { modelConformanceChecks } from './model';
import { datasetConformanceChecks } from './dataset';
import { prunerConformanceChecks } from './pruner';
import { planConformanceChecks } from './plan';
import { layerRuleConformanceChecks } from './layer-rule';
import type { LayerRule } from '../graph/layer-rules';
import type { Plan, PlanInput } from '../interfaces/pruner';
import { TinyDataset } from './tiny-fixtures';

beforeAll(useCpuBackend);

const failures = failedChecks;
const failed = (all: Record<string, string>, fragment: string) => Object.entries(all).find(([name]) => name.includes(fragment))?.[1];

// ---------- schedules ----------
@injectable()
class GoodSchedule implements Schedule {
  static readonly id: string = 'good-schedule';
  static readonly description = 'constant LR';
  static readonly optionsSchema = { type: 'object', properties: { lr: { type: 'number', exclusiveMinimum: 0, default: 0.1 } } };
  constructor(@inject(OPTIONS) private readonly options: { lr: number }) {}
  compute(_original: OriginalRecipe, budget: Budget): StepHyperparameters[] {
    return Array.from({ length: budget.epochs * budget.stepsPerEpoch }, () => ({ lr: this.options.lr, momentum: 0.9 }));
  }
}

@injectable()
class OffByOneSchedule extends GoodSchedule {
  static override readonly id = 'off-by-one';
  override compute(original: OriginalRecipe, budget: Budget) {
    return super.compute(original, budget).slice(1);
  }
}

@injectable()
class StatefulSchedule extends GoodSchedule {
  static override readonly id = 'stateful';
  private calls = 0;
  override compute(original: OriginalRecipe, budget: Budget) {
    this.calls++;
    return super.compute(original, budget).map((s) => ({ ...s, lr: s.lr * this.calls }));
  }
}

@injectable()
class LaxSchedule implements Schedule {
  static readonly id = 'lax';
  static readonly description = 'declares an options schema that lets anything through';
  static readonly optionsSchema = { type: 'object', additionalProperties: true };
  compute(_original: OriginalRecipe, budget: Budget): StepHyperparameters[] {
    return Array.from({ length: budget.epochs * budget.stepsPerEpoch }, () => ({ lr: 0.1, momentum: 0.9 }));
  }
}

/** Steps of LR `lrAt(t)` (momentum 0.9): broken and legitimate LR curves for the kit's LR check. */
function curveSchedule(id: string, lrAt: (t: number, total: number) => number) {
  @injectable()
  class Curve implements Schedule {
    static readonly id = id;
    static readonly description = `LR curve ${id}`;
    compute(_original: OriginalRecipe, budget: Budget): StepHyperparameters[] {
      const total = budget.epochs * budget.stepsPerEpoch;
      return Array.from({ length: total }, (_, t) => ({ lr: lrAt(t, total), momentum: 0.9 }));
    }
  }
  return Curve;
}

describe('schedule conformance', () => {
  it('allows an LR of exactly 0 at a step (a cosine annealed to 0), and fails an LR of NaN, a negative one or all zeros', async () => {
    const toZero = curveSchedule('to-zero', (t, total) => 0.1 * (1 - t / Math.max(1, total - 1)));
    expect(await failures(scheduleConformanceChecks({ componentClass: toZero }))).toEqual({});
    const check = 'exactly E×S';
    expect(failed(await failures(scheduleConformanceChecks({ componentClass: curveSchedule('nan-lr', (t) => (t === 1 ? NaN : 0.1)) })), check)).toMatch(/step 1 has LR NaN \(must be finite and ≥ 0\)/);
    expect(failed(await failures(scheduleConformanceChecks({ componentClass: curveSchedule('negative-lr', () => -0.1) })), check)).toMatch(/has LR -0.1/);
    expect(failed(await failures(scheduleConformanceChecks({ componentClass: curveSchedule('all-zero', () => 0) })), check)).toMatch(/every step has LR 0/);
  });
  it('passes a well-behaved schedule', async () => {
    expect(await failures(scheduleConformanceChecks({ componentClass: GoodSchedule }))).toEqual({});
  });
  it('fails a schedule with the wrong number of steps, or state kept between calls', async () => {
    expect(failed(await failures(scheduleConformanceChecks({ componentClass: OffByOneSchedule })), 'exactly E×S')).toMatch(/expected E×S = 1/);
    expect(failed(await failures(scheduleConformanceChecks({ componentClass: StatefulSchedule })), 'is pure')).toMatch(/differ/);
  });
  it('fails bad options that are accepted, and a component without a description', async () => {
    const result = await failures(scheduleConformanceChecks({ componentClass: LaxSchedule, invalidOptions: [{ lr: -1 }] }));
    expect(failed(result, 'refuses invalid options')).toMatch(/accepted invalidOptions\[0\]/);
    const Nameless = class extends GoodSchedule {};
    Object.defineProperty(Nameless, 'description', { value: '' });
    expect(failed(await failures(scheduleConformanceChecks({ componentClass: Nameless as never })), 'is a component class')).toMatch(/static description/);
  });
});

// ---------- models ----------
function tinyNet(spec: ModelSpec, seed: number | undefined): tfl.LayersModel {
  const input = tfl.input({ shape: spec.inputShape });
  const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed }) }).apply(input) as tfl.SymbolicTensor;
  const flat = tfl.layers.flatten().apply(conv) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: spec.numClasses, kernelInitializer: tfl.initializers.glorotUniform({ seed }) }).apply(flat) as tfl.SymbolicTensor });
}

@injectable()
class GoodModel implements ModelFactory {
  static readonly id: string = 'good-model';
  static readonly description = 'a conv and a dense layer';
  build(spec: ModelSpec) {
    return tinyNet(spec, spec.seed ?? 0);
  }
}

@injectable()
class UnseededModel extends GoodModel {
  static override readonly id = 'unseeded';
  override build(spec: ModelSpec) {
    return tinyNet(spec, undefined);
  }
}

@injectable()
class LeakyModel extends GoodModel {
  static override readonly id = 'leaky';
  override build(spec: ModelSpec) {
    tf.ones([3]); // never disposed
    return super.build(spec);
  }
}

describe('model conformance', () => {
  const spec = { inputShape: [6, 6, 1], numClasses: 3 };
  it('passes a well-behaved model', async () => {
    expect(await failures(modelConformanceChecks({ componentClass: GoodModel, spec }))).toEqual({});
  });
  it('fails a model that ignores the seed, and one that leaks tensors', async () => {
    expect(failed(await failures(modelConformanceChecks({ componentClass: UnseededModel, spec })), 'deterministically')).toMatch(/same seed gave different weights/);
    expect(failed(await failures(modelConformanceChecks({ componentClass: LeakyModel, spec })), 'leaks no tensors')).toMatch(/leaked 1 tensor/);
  });
});

// ---------- datasets ----------
@injectable()
class GoodDataset extends TinyDataset {
  static readonly id: string = 'good-dataset';
  static readonly description = 'tiny seeded data';
  constructor() {
    super([4, 4, 1], 3, { train: 20, validation: 0, test: 7 });
  }
}

@injectable()
class UnseededDataset extends GoodDataset {
  static override readonly id = 'unseeded-data';
  override batches(split: SplitName, options: BatchOptions) {
    return super.batches(split, { ...options, seed: Math.floor(Math.random() * 1e9) });
  }
}

@injectable()
class SoftLabelDataset extends GoodDataset {
  static override readonly id = 'soft-labels';
  override async *batches(split: SplitName, options: BatchOptions): AsyncGenerator<Batch> {
    for await (const batch of super.batches(split, options)) {
      const y = tf.mul(batch.y, 0.9);
      batch.y.dispose();
      yield { x: batch.x, y };
    }
  }
}

describe('dataset conformance', () => {
  it('passes a well-behaved dataset', async () => {
    expect(await failures(datasetConformanceChecks({ componentClass: GoodDataset }))).toEqual({});
  });
  it('fails a dataset whose order ignores the seed, and one without one-hot labels', async () => {
    expect(failed(await failures(datasetConformanceChecks({ componentClass: UnseededDataset })), 'orders by seed')).toMatch(/same options, seed and epoch served different batches/);
    expect(failed(await failures(datasetConformanceChecks({ componentClass: SoftLabelDataset })), 'one-hot')).toMatch(/not one-hot/);
  });
});

// ---------- pruners ----------
/** Keeps the first half of every prunable group. */
@injectable()
class HalfPruner implements Pruner {
  static readonly id: string = 'half';
  static readonly description = 'keeps the first half of each group';
  readonly requirements = { structured: true, needsData: false, needsGradients: false, trainsItself: false };
  async prune(model: tfl.LayersModel, _context: PruneContext): Promise<PruneResult> {
    const graph = buildChannelGraph(model);
    const selection = new Map(graph.groups.filter((g) => g.prunable).map((g) => [g.id, Array.from({ length: Math.ceil(g.channels / 2) }, (_, k) => k)]));
    return {
      model: applyKeptChannels(model, graph, selection),
      keptChannels: selection,
      groups: graph.groups.filter((g) => g.prunable).map((g) => ({ group: g.id, layers: g.producers, convIndices: g.convIndices, kept: selection.get(g.id)!.length, total: g.channels })),
    };
  }
}

@injectable()
class MisreportingPruner extends HalfPruner {
  static override readonly id = 'misreporting';
  override async prune(model: tfl.LayersModel, context: PruneContext) {
    const result = await super.prune(model, context);
    return { ...result, groups: result.groups!.map((g) => ({ ...g, kept: g.total })) };
  }
}

@injectable()
class UnchargedDataPruner extends HalfPruner {
  static override readonly id = 'uncharged';
  override readonly requirements = { structured: true, needsData: true, needsGradients: false, trainsItself: false };
  override async prune(model: tfl.LayersModel, context: PruneContext) {
    for await (const batch of context.dataset!.batches('train', { batchSize: 4, seed: 0, epoch: 0 })) {
      tf.dispose([batch.x, batch.y]);
      break;
    }
    return super.prune(model, context);
  }
}

@injectable()
class RandomMaskPruner implements Pruner {
  static readonly id = 'random-mask';
  static readonly description = 'unseeded masks that are not applied';
  readonly requirements = { structured: false, needsData: false, needsGradients: false, trainsItself: false };
  async prune(model: tfl.LayersModel): Promise<PruneResult> {
    const copy = applyKeptChannels(model, buildChannelGraph(model), new Map()); // a copy; the masks are not applied to it
    const kernel = model.getLayer('conv1').getWeights()[0];
    const mask = Float32Array.from({ length: kernel.size }, () => (Math.random() < 0.5 ? 0 : 1));
    return { model: copy, masks: new Map([['conv1/kernel', mask]]) };
  }
}

describe('pruner conformance', () => {
  it('passes a well-behaved structured pruner', async () => {
    expect(await failures(prunerConformanceChecks({ componentClass: HalfPruner }))).toEqual({});
  });
  it('fails a pruner that misreports its groups, or reads data without charging the ledger', async () => {
    expect(failed(await failures(prunerConformanceChecks({ componentClass: MisreportingPruner })), 'consistently')).toMatch(/groups\[\]: group \d+ reports \d+ kept/);
    expect(failed(await failures(prunerConformanceChecks({ componentClass: UnchargedDataPruner })), 'charges the ledger')).toMatch(/must charge its calibration forward passes/);
  });
  it('fails an unstructured pruner whose masks are unseeded and not applied', async () => {
    const result = await failures(prunerConformanceChecks({ componentClass: RandomMaskPruner }));
    expect(failed(result, 'deterministic')).toMatch(/same masks/);
    expect(failed(result, 'consistently')).toMatch(/masked but not exactly zero/);
  });
  it('fails a pruner whose model shares the layers of the original', async () => {
    @injectable()
    class SharingPruner extends HalfPruner {
      static override readonly id = 'sharing';
      override async prune(model: tfl.LayersModel, context: PruneContext) {
        const result = await super.prune(model, context);
        result.model.dispose();
        return { ...result, model: tfl.model({ inputs: model.inputs, outputs: model.outputs }) };
      }
    }
    expect(failed(await failures(prunerConformanceChecks({ componentClass: SharingPruner })), 'new model')).toMatch(/no longer runs/);
  });
});

// ---------- plans ----------
/** Keeps `keepOf(channels)` channels of every prunable group (and, if `all`, of every group). */
function fixturePlan(id: string, keepOf: (channels: number) => number, all = false) {
  @injectable()
  class FixturePlan implements Plan {
    static readonly id = id;
    static readonly description = `plan ${id}`;
    allocate({ graph }: PlanInput): Map<number, number> {
      return new Map(graph.groups.filter((g) => all || g.prunable).map((g) => [g.id, keepOf(g.channels)]));
    }
  }
  return FixturePlan;
}

describe('plan conformance', () => {
  it('passes a plan that halves every prunable group', async () => {
    expect(await failures(planConformanceChecks({ componentClass: fixturePlan('half', (c) => Math.max(1, Math.floor(c / 2))) }))).toEqual({});
  });
  it('fails a plan that keeps no channel, one that prunes an unprunable group, and one that prunes nothing', async () => {
    const check = 'keeps 1 … C channels of prunable groups only, and prunes something';
    expect(failed(await failures(planConformanceChecks({ componentClass: fixturePlan('none', () => 0) })), check)).toMatch(/keeps 0 of \d+ channels/);
    expect(failed(await failures(planConformanceChecks({ componentClass: fixturePlan('everywhere', (c) => Math.max(1, c - 1), true) })), check)).toMatch(/cannot be pruned/);
    expect(failed(await failures(planConformanceChecks({ componentClass: fixturePlan('all-kept', (c) => c) })), check)).toMatch(/prunes nothing/);
  });
});

// ---------- layer rules ----------
/** A custom layer: each channel multiplied by its own learned `scale`. */
class ChannelScale extends tfl.layers.Layer {
  static className = 'KitChannelScale';
  private scale!: tfl.LayerVariable;
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = inputShape as tfl.Shape;
    this.scale = this.addWeight('scale', [shape[shape.length - 1]!], 'float32', tfl.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 3 }));
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul([inputs].flat()[0], this.scale.read()));
  }
}
/** The same layer under another class name, for a broken rule (the rule table is global). */
class BrokenChannelScale extends ChannelScale {
  static override className = 'KitBrokenChannelScale';
}
tf.serialization.registerClass(ChannelScale);
tf.serialization.registerClass(BrokenChannelScale);

function scaleNet(layer: () => tfl.layers.Layer): tfl.LayersModel {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const input = tfl.input({ shape: [6, 6, 2] });
  const c1 = tfl.layers.conv2d({ name: 'c1', filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init(1) }).apply(input) as tfl.SymbolicTensor;
  const scaled = layer().apply(c1) as tfl.SymbolicTensor;
  const c2 = tfl.layers.conv2d({ name: 'c2', filters: 3, kernelSize: 3, kernelInitializer: init(2) }).apply(scaled) as tfl.SymbolicTensor;
  const flat = tfl.layers.flatten().apply(c2) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2, kernelInitializer: init(3) }).apply(flat) as tfl.SymbolicTensor });
}

const scaleRule = (className: string, axes: LayerRule['weightAxes']): LayerRule => ({
  className,
  weightAxes: axes,
  trace: (t) => {
    t.member(t.inputs[0], 'batchnorm');
    return t.inputs[0];
  },
});

describe('layer rule conformance', () => {
  it('passes a rule whose per-channel weight follows the channels', async () => {
    const rule = scaleRule('KitChannelScale', (suffix) => (suffix === 'scale' ? { input: 0 } : {}));
    expect(await failures(layerRuleConformanceChecks({ rule, model: () => scaleNet(() => new ChannelScale({ name: 'scale' })) }))).toEqual({});
  });
  it('fails a rule that drops the axis of a per-channel weight', async () => {
    const rule = scaleRule('KitBrokenChannelScale', () => ({}));
    const result = await failures(layerRuleConformanceChecks({ rule, model: () => scaleNet(() => new BrokenChannelScale({ name: 'scale' })) }));
    expect(failed(result, 'pruning through the layer')).toMatch(/shape|differ/i);
  });
});
