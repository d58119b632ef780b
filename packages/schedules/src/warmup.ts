import { inject, injectable } from 'tsyringe';
import {
  COMPONENTS,
  OPTIONS,
  warmupSteps,
  withWarmup,
  type Budget,
  type ComponentFactory,
  type OriginalRecipe,
  type Schedule,
  type StepHyperparameters,
} from '@prunebench/core';

export interface WarmupOptions {
  /** The wrapped schedule: an id, or `{ "use": id, ...options }`. */
  schedule: string | { use: string; [key: string]: unknown };
  /** Warm-up length in epochs (may be fractional). Give this or `fraction`. */
  epochs?: number;
  /** Warm-up length as a fraction of the budget. Default 0.1 when `epochs` is not given. */
  fraction?: number;
  /** Ramp shape. Default "linear". */
  shape?: 'linear' | 'cosine';
  /** The factor the ramp starts from (the wrapped LR is multiplied by it at step 0). Default 0.01. */
  startFactor?: number;
}

/**
 * Warm-up around any schedule, per step: over the first N steps the wrapped schedule's LR is
 * multiplied by a factor rising from `startFactor` (step 0) to 1 (step N), linearly or along
 * a half cosine; N = round(epochs * S) or round(fraction * E * S). The wrapped schedule's
 * momentum is kept. The wrapped schedule is made from the registry, so any plugin's works.
 */
@injectable()
export class WarmupSchedule implements Schedule {
  static readonly id = 'warmup';
  static readonly description = 'linear or cosine warm-up wrapped around any other schedule';
  static readonly optionsSchema = {
    type: 'object',
    required: ['schedule'],
    properties: {
      schedule: {
        type: ['string', 'object'],
        description: 'the wrapped schedule: an id, or { "use": id, ...options }',
        if: { type: 'object' },
        then: { required: ['use'], properties: { use: { type: 'string', minLength: 1 } } },
      },
      epochs: { type: 'number', exclusiveMinimum: 0 },
      fraction: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      shape: { enum: ['linear', 'cosine'], default: 'linear' },
      startFactor: { type: 'number', minimum: 0, maximum: 1, default: 0.01 },
    },
  };

  /** The wrapped schedule. */
  readonly inner: Schedule;

  constructor(@inject(OPTIONS) readonly options: WarmupOptions, @inject(COMPONENTS) components: ComponentFactory) {
    // Checked now, so both lengths at once fail when the study is set up.
    if (options.epochs !== undefined && options.fraction !== undefined) warmupSteps({ epochs: 1, stepsPerEpoch: 1 }, options);
    this.inner = components.create<Schedule>('schedule', options.schedule, 'schedule');
  }

  /** N, the warm-up length in optimizer steps. */
  warmupSteps(budget: Budget): number {
    return warmupSteps(budget, this.options);
  }

  compute(original: OriginalRecipe, budget: Budget): StepHyperparameters[] {
    return withWarmup(this.inner.compute(original, budget), budget, this.options);
  }
}
