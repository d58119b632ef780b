import { inject, injectable } from 'tsyringe';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  COMPONENTS,
  OPTIONS,
  PrunebenchError,
  UsageError,
  applyKeptChannels,
  buildChannelGraph,
  checkScores,
  splitComponentRef,
  type ComponentEntryRef,
  type ComponentFactory,
  type Criterion,
  type CriterionContext,
  type GroupPruning,
  type JsonSchema,
  type Plan,
  type PruneContext,
  type PruneResult,
  type Pruner,
  type PrunerRequirements,
  type PruningGroup,
} from '@prunebench/core';
import { componentEntrySchema } from '../util/entry-schema';
import { topScoring } from '../util/ranking';

export interface StructuredPrunerOptions {
  /** The criterion: an id (`"l1"`) or `{ "use": "taylor-2017", "batches": 4 }`. */
  criterion: ComponentEntryRef;
  /** How many channels each group keeps. Required unless the caller passes `context.plan`. */
  plan?: ComponentEntryRef;
}


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
    },
    required: ['criterion'],
    additionalProperties: false,
  };

  readonly requirements: PrunerRequirements;
  readonly criterion: Criterion;
  private readonly criterionId: string;
  private readonly plan?: Plan;

  constructor(@inject(OPTIONS) options: StructuredPrunerOptions, @inject(COMPONENTS) components: ComponentFactory) {
    this.criterionId = splitComponentRef(options.criterion).id;
    // Made now, so an unknown plan or bad options fail when the study is set up.
    this.criterion = components.create<Criterion>('criterion', options.criterion, 'criterion');
    if (options.plan !== undefined) this.plan = components.create<Plan>('plan', options.plan, 'plan');
    const needs = this.criterion.requirements ?? { needsData: false, needsGradients: false };
    this.requirements = { structured: true, needsData: needs.needsData || needs.needsGradients, needsGradients: needs.needsGradients, trainsItself: false };
  }

  async prune(model: LayersModel, context: PruneContext): Promise<PruneResult> {
    const id = this.criterionId;
    const plan = context.plan ?? this.plan;
    if (!plan) {
      throw new UsageError(`pruner "${id}" needs a plan: give it one in its config entry, e.g. { "use": "${id}", "plan": "pfec-a" } or { "use": "${id}", "plan": { "use": "uniform", "ratio": 0.5 } }`);
    }
    const graph = buildChannelGraph(model);
    const prunable = graph.groups.filter((g) => g.prunable);
    const scoring: CriterionContext = { model, graph, seed: context.seed, ledger: context.ledger, helpers: context.helpers };
    let scores = plan.needsScores ? await this.score(prunable, scoring) : undefined;
    const counts = plan.allocate({ graph, scores, model });
    const pruned: PruningGroup[] = [];
    for (const [groupId, keep] of counts) {
      const group = graph.groups[groupId];
      if (!group) throw new PrunebenchError(`the plan named group ${groupId}, but the model has groups 0 … ${graph.groups.length - 1}`);
      if (!Number.isInteger(keep) || keep < 1 || keep > group.channels) {
        throw new PrunebenchError(`the plan keeps ${keep} of ${group.channels} channels of group ${groupId}: must be 1 … ${group.channels}`);
      }
      if (keep === group.channels) continue;
      if (!group.prunable) throw new UsageError(`the plan prunes group ${groupId} (${group.producers.join(', ')}), which cannot be pruned: ${group.reasons.join('; ')}`);
      pruned.push(group);
    }
    scores ??= await this.score(pruned, scoring);
    const selection = new Map(pruned.map((g) => [g.id, topScoring(scores!.get(g.id)!, counts.get(g.id)!)]));
    const groups: GroupPruning[] = prunable.map((g) => ({
      group: g.id,
      layers: g.producers,
      convIndices: g.convIndices,
      kept: selection.get(g.id)?.length ?? g.channels,
      total: g.channels,
    }));
    return { model: applyKeptChannels(model, graph, selection), keptChannels: selection, groups };
  }

  /** Every group's scores, through the one check (length, finite values). */
  private async score(groups: PruningGroup[], context: CriterionContext): Promise<Map<number, Float32Array>> {
    const scores = new Map<number, Float32Array>();
    if (groups.length === 0) return scores;
    await this.criterion.prepare?.(groups, context);
    for (const group of groups) {
      const what = `criterion "${this.criterionId}" for group ${group.id} (${group.producers.join(', ')})`;
      scores.set(group.id, checkScores(await this.criterion.score(group, context), group.channels, what));
    }
    return scores;
  }
}
