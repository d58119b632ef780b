import { container as rootContainer } from 'tsyringe';
import { inject, injectable } from 'tsyringe';
import {
  OPTIONS,
  OptionsError,
  REGISTRY,
  createComponent,
  cosineAnneal,
  linearAnneal,
  resolveComponentRef,
  validateBudget,
  type Budget,
  type OriginalSchedule,
  type Registry,
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

  constructor(
    @inject(OPTIONS) readonly options: WarmupOptions,
    @inject(REGISTRY) registry: Registry,
  ) {
    if (options.epochs !== undefined && options.fraction !== undefined) {
      throw new OptionsError('schedule "warmup": give the warm-up length as "epochs" or as "fraction", not both');
    }
    const { id, options: innerOptions } = resolveComponentRef(registry, 'schedule', options.schedule, 'schedule');
    // Schedules are pure functions of their options, so a fresh container that knows the
    // registry (for a warm-up inside a warm-up) is all the wrapped one needs.
    const child = rootContainer.createChildContainer();
    child.register(REGISTRY, { useValue: registry });
    this.inner = createComponent<Schedule>(child, registry, 'schedule', id, innerOptions);
  }

  /** N, the warm-up length in optimizer steps. */
  warmupSteps(budget: Budget): number {
    validateBudget(budget);
    const total = budget.epochs * budget.stepsPerEpoch;
    const steps =
      this.options.epochs !== undefined
        ? Math.round(this.options.epochs * budget.stepsPerEpoch)
        : Math.round((this.options.fraction ?? 0.1) * total);
    if (steps > total) {
      throw new OptionsError(`schedule "warmup": a warm-up of ${this.options.epochs} epochs is longer than the budget of ${budget.epochs} epochs`);
    }
    return steps;
  }

  compute(original: OriginalSchedule, budget: Budget): StepHyperparameters[] {
    const steps = this.inner.compute(original, budget);
    const n = this.warmupSteps(budget);
    const start = this.options.startFactor ?? 0.01;
    const ramp = this.options.shape === 'cosine' ? cosineAnneal : linearAnneal;
    return steps.map(({ lr, momentum }, t) => ({ lr: t < n ? lr * ramp(start, 1, t / n) : lr, momentum }));
  }
}
