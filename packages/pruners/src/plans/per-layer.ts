import { inject, injectable } from 'tsyringe';
import { OPTIONS, UsageError, type JsonSchema, type Plan, type PlanInput } from '@prunebench/core';
import { keepCount } from '../util/ranking';
import { groupOfLayer, requirePrunable, roundKeptCounts, roundToOptionSchema } from './plan-targets';

export interface PerLayerPlanOptions {
  /** Layer (conv index, stem = 1, or layer name) → fraction of its channels removed. */
  ratios?: Record<string, number>;
  /** Layer → channels kept (an explicit width). */
  keep?: Record<string, number>;
  /** Kept counts rounded up to a multiple of this (default 1: unrounded). */
  roundTo?: number;
}

/** An explicit ratio or width per layer; layers not named keep all their channels. */
@injectable()
export class PerLayerPlan implements Plan {
  static readonly id = 'per-layer';
  static readonly description = 'explicit ratio or kept width per layer (by conv index, stem = 1, or layer name)';
  static readonly optionsSchema: JsonSchema = {
    type: 'object',
    properties: {
      ratios: {
        type: 'object',
        additionalProperties: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
        description: 'layer → fraction of its channels removed (keep = floor(C × (1 − ratio)))',
      },
      keep: {
        type: 'object',
        additionalProperties: { type: 'integer', minimum: 1 },
        description: 'layer → number of channels kept',
      },
      roundTo: roundToOptionSchema,
    },
    anyOf: [{ required: ['ratios'] }, { required: ['keep'] }],
    additionalProperties: false,
  };

  constructor(@inject(OPTIONS) private readonly options: PerLayerPlanOptions) {}

  allocate({ graph }: PlanInput): Map<number, number> {
    const counts = new Map<number, number>();
    const setBy = new Map<number, string>();
    const assign = (ref: string, count: (channels: number) => number) => {
      const group = groupOfLayer(graph, ref, PerLayerPlan.id);
      requirePrunable(group, `layer ${ref}`, PerLayerPlan.id);
      const keep = count(group.channels);
      if (keep > group.channels) {
        throw new UsageError(`plan "per-layer": layer ${ref} has ${group.channels} channels, so it cannot keep ${keep}`);
      }
      const previous = counts.get(group.id);
      if (previous !== undefined && previous !== keep) {
        throw new UsageError(
          `plan "per-layer": layers ${setBy.get(group.id)} and ${ref} share their channels (one group: ` +
            `${group.producers.join(', ')}), but are given different widths (${previous} and ${keep})`,
        );
      }
      counts.set(group.id, keep);
      setBy.set(group.id, ref);
    };
    for (const [ref, ratio] of Object.entries(this.options.ratios ?? {})) assign(ref, (c) => keepCount(c, ratio));
    for (const [ref, keep] of Object.entries(this.options.keep ?? {})) assign(ref, () => keep);
    return roundKeptCounts(graph, counts, this.options.roundTo);
  }
}
