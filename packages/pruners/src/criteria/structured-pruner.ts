import { container as rootContainer } from 'tsyringe';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  ConfigError,
  ConfigErrors,
  UsageError,
  applyChannelSelection,
  buildChannelGraph,
  createComponent,
  splitComponentRef,
  type ChannelGraph,
  type GroupPruning,
  type JsonSchema,
  type Plan,
  type PruneContext,
  type PruneResult,
  type Pruner,
  type PrunerRequirements,
  type PruningGroup,
  type Registry,
} from '@prunebench/core';
import { selectTopK } from '../util/select';

/** A plan as a config names it: `"pfec-a"` or `{ "use": "uniform", "ratio": 0.5 }`. */
export type PlanEntry = string | { use: string; [key: string]: unknown };

/** Options every structured pruner takes. */
export interface StructuredPrunerOptions {
  /** How many channels each layer keeps. Required unless the caller passes `context.plan`. */
  plan?: PlanEntry;
}

/** JSON schema of the `plan` option (the plan's own options are checked when it is made). */
export const planOptionSchema: JsonSchema = {
  description: 'the plan: a plan id ("pfec-a") or { "use": "uniform", "ratio": 0.5 }',
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'object', properties: { use: { type: 'string', minLength: 1 } }, required: ['use'] },
  ],
};

/** A structured pruner's options schema: `plan` plus the criterion's own options. */
export function structuredOptionsSchema(properties: Record<string, JsonSchema> = {}): JsonSchema {
  return { type: 'object', properties: { plan: planOptionSchema, ...properties }, additionalProperties: false };
}

/**
 * Makes the plan a config entry names, from the registry: a plan of any plugin works. Plans get
 * only their options (OPTIONS) injected.
 */
export function createPlan(registry: Registry, entry: PlanEntry): Plan {
  const { id, options } = splitComponentRef(entry);
  try {
    return createComponent<Plan>(rootContainer, registry, 'plan', id, options);
  } catch (error) {
    // Name the plan's keys where they are in the pruner's options: plan.ratio, not ratio.
    if (error instanceof ConfigErrors) {
      throw new ConfigErrors(error.errors.map((e) => new ConfigError(e.keyPath ? `plan.${e.keyPath}` : 'plan', e.problem, e.file)));
    }
    throw error;
  }
}

/**
 * A structured (channel) pruner: its plan says how many channels each group of the model's
 * channel graph keeps, its criterion which ones; the result is a physically smaller model
 * with the surviving weights copied across every member of each group. Subclasses implement
 * only `scoreGroups`.
 */
export abstract class StructuredPruner implements Pruner {
  abstract readonly requirements: PrunerRequirements;
  private readonly plan?: Plan;

  /**
   * @param registry where the `plan` option's id is looked up; when absent (a pruner made by
   *   hand), the plan must come in `context.plan`.
   */
  constructor(options: StructuredPrunerOptions, registry?: Registry) {
    // Made now, so an unknown plan or bad plan options fail when the study is set up.
    if (options.plan !== undefined && registry) this.plan = createPlan(registry, options.plan);
  }

  /**
   * One score per channel (higher = more important) for each of `groups`. Scores within a
   * group are compared; across groups only by the `global` plan.
   */
  protected abstract scoreGroups(
    model: LayersModel,
    graph: ChannelGraph,
    groups: PruningGroup[],
    context: PruneContext,
  ): Promise<Map<number, Float32Array>>;

  async prune(model: LayersModel, context: PruneContext): Promise<PruneResult> {
    const id = (this.constructor as { id?: string }).id ?? 'pruner';
    const plan = context.plan ?? this.plan;
    if (!plan) {
      throw new UsageError(
        `pruner "${id}" needs a plan: give it one in its config entry, e.g. { "use": "${id}", "plan": "pfec-a" } ` +
          `or { "use": "${id}", "plan": { "use": "uniform", "ratio": 0.5 } }`,
      );
    }
    const graph = buildChannelGraph(model);
    const prunable = graph.groups.filter((g) => g.prunable);
    let scores = plan.needsScores ? await this.scoreGroups(model, graph, prunable, context) : undefined;
    const counts = plan.allocate({ graph, scores });
    const pruned: PruningGroup[] = [];
    for (const [groupId, keep] of counts) {
      const group = graph.groups[groupId];
      if (!group) throw new Error(`the plan named group ${groupId}, but the model has groups 0 … ${graph.groups.length - 1}`);
      if (!Number.isInteger(keep) || keep < 1 || keep > group.channels) {
        throw new Error(`the plan keeps ${keep} of ${group.channels} channels of group ${groupId}: must be 1 … ${group.channels}`);
      }
      if (keep === group.channels) continue;
      if (!group.prunable) {
        throw new UsageError(`the plan prunes group ${groupId} (${group.producers.join(', ')}), which cannot be pruned: ${group.reasons.join('; ')}`);
      }
      pruned.push(group);
    }
    scores ??= await this.scoreGroups(model, graph, pruned, context);
    const selection = new Map<number, number[]>();
    for (const group of pruned) {
      const groupScores = scores.get(group.id);
      if (!groupScores || groupScores.length !== group.channels) {
        throw new Error(`criterion "${id}" gave ${groupScores?.length ?? 'no'} scores for group ${group.id}, which has ${group.channels} channels`);
      }
      selection.set(group.id, selectTopK(groupScores, counts.get(group.id)!));
    }
    const smaller = applyChannelSelection(model, graph, selection);
    const groups: GroupPruning[] = prunable.map((g) => ({
      group: g.id,
      layers: g.producers,
      convIndices: g.convIndices,
      kept: selection.get(g.id)?.length ?? g.channels,
      total: g.channels,
    }));
    return { model: smaller, selection, groups };
  }
}
