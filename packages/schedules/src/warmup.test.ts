import { WarmupSchedule } from './warmup';
import { cifar, makeSchedule } from './test-support';

describe('warmup', () => {
  it('ramps the wrapped LR linearly from startFactor over the first N steps, keeping its momentum', () => {
    const budget = { epochs: 10, stepsPerEpoch: 10 };
    const inner = makeSchedule('clr').compute(cifar, budget);
    const steps = makeSchedule('warmup', { schedule: 'clr', epochs: 2, startFactor: 0 }).compute(cifar, budget);
    expect(steps).toHaveLength(100);
    for (let t = 0; t < 20; t++) expect(steps[t]).toEqual({ lr: inner[t].lr * (t / 20), momentum: inner[t].momentum });
    expect(steps.slice(20)).toEqual(inner.slice(20));
  });

  it('wraps a schedule given with options, with a cosine ramp over a fraction of the budget', () => {
    const budget = { epochs: 4, stepsPerEpoch: 5 };
    const steps = makeSchedule('warmup', { schedule: { use: 'constant', lr: 0.2 }, fraction: 0.25, shape: 'cosine' }).compute(cifar, budget);
    expect(steps[0].lr).toBeCloseTo(0.2 * 0.01, 15);
    expect(steps[2].lr).toBeCloseTo(0.2 * (1 + (0.01 - 1) / 2 * (Math.cos((Math.PI * 2) / 5) + 1)), 15);
    expect(steps[5].lr).toBe(0.2);
    expect((makeSchedule('warmup', { schedule: 'ft' }) as WarmupSchedule).warmupSteps({ epochs: 20, stepsPerEpoch: 7 })).toBe(14);
  });

  it('can wrap a warm-up', () => {
    const steps = makeSchedule('warmup', { schedule: { use: 'warmup', schedule: 'constant', epochs: 1, startFactor: 0.5 }, epochs: 1, startFactor: 0.5 }).compute(
      cifar,
      { epochs: 2, stepsPerEpoch: 2 },
    );
    expect(steps.map((s) => s.lr)).toEqual([0.1 * 0.25, 0.1 * 0.75 * 0.75, 0.1, 0.1].map((v) => expect.closeTo(v, 15)));
  });

  it('explains a bad wrapped schedule, bad options and a warm-up longer than the budget', () => {
    expect(() => makeSchedule('warmup', { schedule: 'cosin' })).toThrow(/schedule: unknown schedule "cosin" — did you mean "cosine"\?/);
    expect(() => makeSchedule('warmup', { schedule: { use: 'constant', lr: -1 } })).toThrow(/schedule\.lr: must be > 0/);
    expect(() => makeSchedule('warmup', {})).toThrow(/schedule: is required/);
    expect(() => makeSchedule('warmup', { schedule: 'ft', epochs: 1, fraction: 0.1 })).toThrow(/not both/);
    expect(() => makeSchedule('warmup', { schedule: 'ft', epochs: 5 }).compute(cifar, { epochs: 4, stepsPerEpoch: 3 })).toThrow(
      /a warm-up of 5 epochs is longer than the budget of 4 epochs/,
    );
  });
});
