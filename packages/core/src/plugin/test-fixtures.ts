// Small fake plugins for the core's own tests.
import { inject, injectable } from 'tsyringe';
import { OPTIONS } from '../tokens';
import type { Schedule, StepHyperparameters } from '../interfaces/schedule';
import { PLUGIN_API_VERSION, type PrunebenchPlugin } from './plugin';

@injectable()
export class FakeConstantSchedule implements Schedule {
  static readonly id: string = 'fake-constant';
  static readonly description = 'a constant LR, for tests';
  static readonly optionsSchema = {
    type: 'object',
    properties: { lr: { type: 'number', exclusiveMinimum: 0, default: 0.01 } },
  };
  constructor(@inject(OPTIONS) readonly options: { lr: number }) {}
  compute(_original: unknown, budget: { epochs: number; stepsPerEpoch: number }): StepHyperparameters[] {
    return Array.from({ length: budget.epochs * budget.stepsPerEpoch }, () => ({ lr: this.options.lr, momentum: 0.9 }));
  }
}

@injectable()
export class FakeClr extends FakeConstantSchedule {
  static override readonly id = 'clr';
}

export function fakePlugin(overrides: Partial<PrunebenchPlugin> = {}): PrunebenchPlugin {
  return {
    name: 'prunebench-plugin-fake',
    version: '1.2.3',
    apiVersion: PLUGIN_API_VERSION,
    schedules: [FakeConstantSchedule, FakeClr],
    ...overrides,
  };
}
