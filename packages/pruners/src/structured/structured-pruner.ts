import { inject, injectable } from 'tsyringe';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { cloneModel, sgdSettingsSchema, trainWithSgd, type SgdSettings, prunedGroups, pruneResultFromScores, COMPONENTS, OPTIONS, UsageError, buildChannelGraph, checkScores, splitComponentRef, type ComponentEntryRef, type ComponentFactory, type Criterion, type CriterionContext, type JsonSchema, type Plan, type PruneContext, type PruneResult, type Pruner, type PrunerRequirements, type PruningGroup, type Regularizer } from '@prunebench/core';
import { componentEntrySchema } from '../util/entry-schema';

export interface StructuredPrunerOptions {
  /** The criterion: an id (`"l1"`) or `{ "use": "taylor-2017", "batches": 4 }`. */
  criterion: ComponentEntryRef;
  /** How many channels each group keeps. Required unless the caller passes `context.plan`. */
  plan?: ComponentEntryRef;
  /**
   * Under a plan that ranks by scores (`global`), the criterion whose scores decide each layer's
   * kept count; this pruner's own criterion then picks which channels. `{ "use": "random",
   * "plan": { "use": "global", ... }, "countsFrom": "l1" }` is random pruning of l1's
   * architecture: the lift over random compares equal networks (docs/fairness.md).
   */
  countsFrom?: ComponentEntryRef;
  /** A sparsity regularizer trained into a copy of the original before the criterion scores it: `"slimming"`, `{ "use": "group-lasso", "lambda": 5e-4 }`. */
  regularizer?: ComponentEntryRef;
  /** The sparsity training a regularizer runs (only with `regularizer`). */
  sparsityTraining?: Partial<SgdSettings>;
}

/** Sparsity training's defaults: extra training of a trained original, so a fine-tuning LR. */
export const SPARSITY_TRAINING_DEFAULTS: SgdSettings = { epochs: 1, batchSize: 64, lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 1e-4 };


/**
 * The one structured pruner: criterion × plan. The plan says how many channels each group of
 * the channel graph keeps, the criterion which ones (its `score` per group, checked once here);
 * the result is a physically smaller model. A config names the criterion directly:
 * `{ "use": "l1", "plan": "pfec-a" }` is `{ "use": "structured", "criterion": "l1", "plan": "pfec-a" }`.
 */
@injectable()
export class StructuredPruner implements Pruner {
  static readonly id = 'structured';
  static readonly description = 'structured: a criterion (l1, taylor-2017, your own, ...) under a plan; configs name the criterion directly';
  static readonly optionsSchema: JsonSchema = {
    type: 'object',
    properties: {
      criterion: componentEntrySchema('criterion', '"l1"'),
      plan: componentEntrySchema('plan', '"pfec-a" or { "use": "uniform", "ratio": 0.5 }'),
      countsFrom: componentEntrySchema('criterion', '"l1": under a plan that ranks by scores, the criterion whose scores set the kept counts'),
      regularizer: componentEntrySchema('sparsity regularizer trained in before pruning', '"slimming" or { "use": "growing-reg", "delta": 1e-3 }'),
      sparsityTraining: {
        type: 'object',
        description: "the regularizer's training of the original: SGD on the train split, metered as the pruner's cost",
        properties: sgdSettingsSchema(SPARSITY_TRAINING_DEFAULTS),
        additionalProperties: false,
      },
    },
    required: ['criterion'],
    additionalProperties: false,
  };

  readonly requirements: PrunerRequirements;
  readonly criterion: Criterion;
  private readonly criterionId: string;
  private readonly plan?: Plan;
  private readonly counts?: { id: string; criterion: Criterion };
  private readonly regularizer?: Regularizer;
  private readonly training: SgdSettings;

  constructor(@inject(OPTIONS) options: StructuredPrunerOptions, @inject(COMPONENTS) components: ComponentFactory) {
    this.criterionId = splitComponentRef(options.criterion).id;
    // Made now, so an unknown plan or bad options fail when the study is set up.
    this.criterion = components.create<Criterion>('criterion', options.criterion, 'criterion');
    if (options.plan !== undefined) this.plan = components.create<Plan>('plan', options.plan, 'plan');
    if (options.countsFrom !== undefined) {
      this.counts = { id: splitComponentRef(options.countsFrom).id, criterion: components.create<Criterion>('criterion', options.countsFrom, 'countsFrom') };
    }
    if (options.regularizer !== undefined) this.regularizer = components.create<Regularizer>('regularizer', options.regularizer, 'regularizer');
    else if (options.sparsityTraining !== undefined) throw new UsageError('"sparsityTraining" trains a regularizer in: give one too, e.g. "regularizer": "slimming"');
    this.training = { ...SPARSITY_TRAINING_DEFAULTS, ...options.sparsityTraining };
    const needs = [this.criterion, this.counts?.criterion].map((c) => c?.requirements ?? { needsData: false, needsGradients: false });
    const trains = this.regularizer !== undefined;
    const needsGradients = trains || needs.some((n) => n.needsGradients);
    this.requirements = { structured: true, needsData: needsGradients || needs.some((n) => n.needsData), needsGradients, trainsItself: trains };
  }

  async prune(model: LayersModel, context: PruneContext): Promise<PruneResult> {
    const id = this.criterionId;
    const plan = context.plan ?? this.plan;
    if (!plan) {
      throw new UsageError(`pruner "${id}" needs a plan: give it one in its config entry, e.g. { "use": "${id}", "plan": "pfec-a" } or { "use": "${id}", "plan": { "use": "uniform", "ratio": 0.5 } }`);
    }
    if (!this.regularizer) return this.pruneWith(model, context, plan);
    const trained = await this.trainSparse(model, context, plan, this.regularizer);
    try {
      return await this.pruneWith(trained, context, plan);
    } finally {
      trained.dispose();
    }
  }

  /**
   * Sparsity training: a copy of `model` trained with the regularizer's penalty added to the
   * loss (`sparsityTraining`: SGD epochs on the train split, every step charged to the ledger).
   */
  private async trainSparse(model: LayersModel, context: PruneContext, plan: Plan, regularizer: Regularizer): Promise<LayersModel> {
    const graph = buildChannelGraph(model);
    const scoring: CriterionContext = { model, graph, seed: context.seed, ledger: context.ledger, helpers: context.helpers };
    const scores = plan.needsScores ? await this.score(graph.groups.filter((g) => g.prunable), scoring) : undefined;
    const keep = plan.allocate({ graph, scores, model });
    const trained = await cloneModel(model);
    try {
      const info = await context.dataset?.load();
      const totalSteps = info ? Math.floor(info.sizes.train / this.training.batchSize) * this.training.epochs : 0;
      const regularizing = { model: trained, graph: buildChannelGraph(trained), keep, totalSteps };
      await regularizer.prepare?.(regularizing);
      await trainWithSgd(trained, context, this.training, { penalty: (step) => regularizer.penalty(regularizing, step) }, `pruner "${this.criterionId}" with a regularizer`);
      return trained;
    } catch (error) {
      trained.dispose();
      throw error;
    }
  }

  private async pruneWith(model: LayersModel, context: PruneContext, plan: Plan): Promise<PruneResult> {
    const graph = buildChannelGraph(model);
    const prunable = graph.groups.filter((g) => g.prunable);
    const scoring: CriterionContext = { model, graph, seed: context.seed, ledger: context.ledger, helpers: context.helpers };
    // With `countsFrom`, another criterion's scores set the counts; this one's pick the channels.
    const ranking = plan.needsScores && this.counts ? await scoreGroups(this.counts.criterion, this.counts.id, prunable, scoring) : undefined;
    let scores = plan.needsScores && !ranking ? await this.score(prunable, scoring) : undefined;
    const counts = plan.allocate({ graph, scores: ranking ?? scores, model });
    const pruned = prunedGroups(graph, counts);
    scores ??= await this.score(pruned, scoring);
    const result = pruneResultFromScores(model, graph, counts, scores);
    this.criterion.channelsKept?.(result.keptChannels, graph);
    return result;
  }

  private score(groups: PruningGroup[], context: CriterionContext): Promise<Map<number, Float32Array>> {
    return scoreGroups(this.criterion, this.criterionId, groups, context);
  }
}

/** Every group's scores by one criterion, through the one check (length, finite values). */
async function scoreGroups(criterion: Criterion, id: string, groups: PruningGroup[], context: CriterionContext): Promise<Map<number, Float32Array>> {
  const scores = new Map<number, Float32Array>();
  if (groups.length === 0) return scores;
  await criterion.prepare?.(groups, context);
  for (const group of groups) {
    const what = `criterion "${id}" for group ${group.id} (${group.producers.join(', ')})`;
    scores.set(group.id, checkScores(await criterion.score(group, context), group.channels, what));
  }
  return scores;
}
