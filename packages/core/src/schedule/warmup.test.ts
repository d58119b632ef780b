import { OptionsError } from '../errors';
import { warmupSteps, withWarmup } from './warmup';

const flat = (n: number) => Array.from({ length: n }, () => ({ lr: 0.1, momentum: 0.9 }));

describe('withWarmup', () => {
  it('ramps the first N steps from startFactor to 1, keeping momentum and the rest', () => {
    const budget = { epochs: 2, stepsPerEpoch: 5 };
    const steps = withWarmup(flat(10), budget, { epochs: 1, startFactor: 0 });
    expect(steps.slice(0, 5).map((s) => s.lr)).toEqual([0, 0.02, 0.04, 0.06, 0.08].map((v) => expect.closeTo(v, 12)));
    expect(steps.slice(5).every((s) => s.lr === 0.1 && s.momentum === 0.9)).toBe(true);
    expect(warmupSteps(budget, {})).toBe(1); // default: a tenth of the budget
    expect(withWarmup(flat(10), budget, { fraction: 0.5, shape: 'cosine' })[0].lr).toBeCloseTo(0.001, 12);
  });

  it('refuses both lengths at once and a warm-up longer than the budget', () => {
    expect(() => warmupSteps({ epochs: 2, stepsPerEpoch: 5 }, { epochs: 1, fraction: 0.1 })).toThrow(OptionsError);
    expect(() => warmupSteps({ epochs: 2, stepsPerEpoch: 5 }, { epochs: 3 })).toThrow(/longer than the budget/);
  });
});
