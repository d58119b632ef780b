import { ConfigErrors, type OriginalRecipe } from '@prunebench/core';
import plugin, { RETRAINING_SCHEDULE_IDS } from './index';
import { cifar, imagenet, makeSchedule } from './test-support';

const optionsFor: Record<string, Record<string, unknown>> = { warmup: { schedule: 'clr' } };

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) if (inner && typeof inner === 'object') deepFreeze(inner);
  return Object.freeze(value);
}

describe('every built-in schedule', () => {
  const ids = plugin.schedules.map((s) => s.id);

  it('is listed in the plugin, with the four retraining schedules of the study', () => {
    expect(ids).toEqual(['ft', 'lrw', 'slr', 'clr', 'clr-nomom', 'clr-div10', 'constant', 'step', 'cosine', 'warmup']);
    expect(RETRAINING_SCHEDULE_IDS.every((id) => ids.includes(id))).toBe(true);
    for (const s of plugin.schedules) expect(s.description).toEqual(expect.any(String));
  });

  it.each(ids)('%s takes exactly E*S steps and is pure (same input, same output, input untouched)', (id) => {
    const frozen: OriginalRecipe = deepFreeze(structuredClone(cifar));
    for (const budget of [
      { epochs: 1, stepsPerEpoch: 1 },
      { epochs: 3, stepsPerEpoch: 7 },
      { epochs: 40, stepsPerEpoch: 10 },
      { epochs: 200, stepsPerEpoch: 2 },
    ]) {
      const first = makeSchedule(id, optionsFor[id]).compute(frozen, budget);
      const second = makeSchedule(id, optionsFor[id]).compute(frozen, budget);
      expect(first).toHaveLength(budget.epochs * budget.stepsPerEpoch);
      expect(second).toEqual(first);
      expect(first.every((s) => s.lr > 0 && Number.isFinite(s.lr) && s.momentum >= 0 && s.momentum < 1)).toBe(true);
    }
  });

  it.each(ids)('%s refuses a budget of 0 epochs or fractional steps with a clear error', (id) => {
    const schedule = makeSchedule(id, optionsFor[id]);
    expect(() => schedule.compute(cifar, { epochs: 0, stepsPerEpoch: 10 })).toThrow(ConfigErrors);
    expect(() => schedule.compute(cifar, { epochs: 0, stepsPerEpoch: 10 })).toThrow(/budget\.epochs: must be a whole number of epochs, at least 1 \(got 0\)/);
    expect(() => schedule.compute(cifar, { epochs: 2, stepsPerEpoch: 1.5 })).toThrow(/budget\.stepsPerEpoch/);
  });

  it('derive the retraining schedules from the original: ImageNet differs from CIFAR where the recipes differ', () => {
    const budget = { epochs: 60, stepsPerEpoch: 1 };
    const lr = (id: string, original: OriginalRecipe) => makeSchedule(id).compute(original, budget).map((s) => s.lr);
    // Same last LR (0.001) and largest LR (0.1): FT and CLR agree.
    expect(lr('ft', imagenet)).toEqual(lr('ft', cifar));
    expect(lr('clr', imagenet)).toEqual(lr('clr', cifar));
    // LRW replays epochs 30-89 of ImageNet (0.01 for 30, 0.001 for 30) but 100-159 of CIFAR (0.01 for 20, 0.001 for 40).
    expect(lr('lrw', imagenet).filter((v) => v > 0.005)).toHaveLength(30);
    expect(lr('lrw', cifar).filter((v) => v > 0.005)).toHaveLength(20);
    // SLR: the first drop at W + floor(0.297 E) = 6 + 17 for ImageNet (the study's code), W + floor(0.45 E) = 6 + 27 for CIFAR.
    expect(lr('slr', imagenet).findIndex((v, e) => e > 6 && v < 0.05)).toBe(23);
    expect(lr('slr', cifar).findIndex((v, e) => e > 6 && v < 0.05)).toBe(33);
  });
});
