import { inject, injectable } from 'tsyringe';
import { OPTIONS, type JsonSchema, type Plan, type PlanInput } from '@prunebench/core';
import { keepCount } from '../util/ranking';
import { candidateGroups, layersOptionSchema, roundKeptCounts, roundToOptionSchema } from './plan-targets';
import { RATIO_STEPS, allocateToTarget, ratioOfStep, targetOptionSchema, type CompressionTarget } from './compression-target';

export interface UniformPlanOptions {
  /** Fraction of each group's channels removed: keep = floor(C × (1 − ratio)) (or give `target`). */
  ratio?: number;
  /** A compression target the one ratio is searched for, instead of `ratio`. */
  target?: CompressionTarget;
  layers: 'conv' | 'all';
  /** Fewest channels a group keeps. */
  minChannels: number;
  /** Kept counts rounded up to a multiple of this (default 1: unrounded). */
  roundTo?: number;
}

/** One ratio for every prunable group (conv-produced by default). */
@injectable()
export class UniformPlan implements Plan {
  static readonly id = 'uniform';
  static readonly description = 'one pruning ratio for every prunable layer';
  static readonly optionsSchema: JsonSchema = {
    type: 'object',
    properties: {
      ratio: { type: 'number', minimum: 0, exclusiveMaximum: 1, description: 'fraction of channels removed per layer' },
      target: targetOptionSchema,
      layers: layersOptionSchema,
      minChannels: { type: 'integer', minimum: 1, default: 1, description: 'fewest channels a layer keeps' },
      roundTo: roundToOptionSchema,
    },
    oneOf: [{ required: ['ratio'] }, { required: ['target'] }],
    additionalProperties: false,
  };

  constructor(@inject(OPTIONS) private readonly options: UniformPlanOptions) {}

  allocate({ graph, model }: PlanInput): Map<number, number> {
    const { target } = this.options;
    if (target) return allocateToTarget(UniformPlan.id, target, model, graph, { steps: RATIO_STEPS, allocate: (step) => this.allocateRatio(graph, ratioOfStep(step)) });
    return this.allocateRatio(graph, this.options.ratio ?? 0);
  }

  private allocateRatio(graph: PlanInput['graph'], ratio: number): Map<number, number> {
    const { layers = 'conv', minChannels = 1, roundTo = 1 } = this.options;
    const counts = new Map(candidateGroups(graph, layers).map((g) => [g.id, keepCount(g.channels, ratio, Math.min(minChannels, g.channels))]));
    return roundKeptCounts(graph, counts, roundTo);
  }
}
