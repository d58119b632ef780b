import { describeCriterionConformance, describeScheduleConformance, useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { originalPreset } from '@prunebench/core';
// The built-in structured pruner and plans: the criterion is also checked as a config names it.
import prunersPlugin from '@prunebench/pruners';
import plugin, { MaxAbsCriterion, WarmupCosineSchedule } from './index';

// The kit runs on the backend its caller sets up: the one users get.
beforeAll(() => useBackend(wasmBackend));

describeCriterionConformance({ componentClass: MaxAbsCriterion, plugins: [prunersPlugin, plugin] });
describeScheduleConformance({ componentClass: WarmupCosineSchedule, invalidOptions: [{ warmupFraction: 2 }] });

describe('__SHORT__-warmup-cosine', () => {
  it('warms up, peaks at the base LR and ends at the smallest', () => {
    const original = originalPreset('cifar');
    const steps = new WarmupCosineSchedule({ warmupFraction: 0.1 }).compute(original, { epochs: 10, stepsPerEpoch: 10 });
    expect(steps).toHaveLength(100);
    expect(steps[0].lr).toBeLessThan(steps[10].lr);
    expect(steps[10].lr).toBeCloseTo(0.001 + ((0.1 - 0.001) * (1 + Math.cos(Math.PI * 0.1))) / 2, 6);
    expect(steps[99].lr).toBeGreaterThanOrEqual(0.001);
    expect(steps[99].lr).toBeLessThan(0.002);
  });
});
