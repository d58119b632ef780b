import { ConfigErrors } from '../errors';
import { budgetSteps, cosineAnneal, expandPerEpoch, expandPerStep, linearAnneal, validateBudget } from './budget';

describe('budgets', () => {
  it('count E * S steps and refuse budgets that are not whole numbers >= 1', () => {
    expect(budgetSteps({ epochs: 3, stepsPerEpoch: 7 })).toBe(21);
    expect(() => validateBudget({ epochs: 0, stepsPerEpoch: 7 })).toThrow(ConfigErrors);
    expect(() => validateBudget({ epochs: 0, stepsPerEpoch: 7 })).toThrow(/budget\.epochs: must be a whole number of epochs, at least 1 \(got 0\)/);
    expect(() => validateBudget({ epochs: 2, stepsPerEpoch: 2.5 })).toThrow(/budget\.stepsPerEpoch: .*\(got 2\.5\)/);
    expect(() => validateBudget({ epochs: NaN, stepsPerEpoch: -1 })).toThrow(/2 problems/);
  });

  it('expand per-epoch values to every step, and per-step values step by step', () => {
    const perEpoch = expandPerEpoch({ epochs: 2, stepsPerEpoch: 3 }, (e) => ({ lr: e + 1, momentum: 0.5 }));
    expect(perEpoch.map((s) => s.lr)).toEqual([1, 1, 1, 2, 2, 2]);
    perEpoch[0].lr = 99; // entries are separate objects
    expect(perEpoch[1].lr).toBe(1);
    expect(expandPerStep({ epochs: 2, stepsPerEpoch: 2 }, (t) => ({ lr: t, momentum: 0 })).map((s) => s.lr)).toEqual([0, 1, 2, 3]);
  });

  it('anneals as PyTorch does', () => {
    // bit-for-bit what PyTorch computes: 0.1 + (0.001 - 0.1) / 2 * 2 is 0.0010000000000000009 in doubles
    expect(cosineAnneal(0.001, 0.1, 0)).toBe(0.1 + ((0.001 - 0.1) / 2) * 2);
    expect(cosineAnneal(0.001, 0.1, 0)).toBeCloseTo(0.001, 15);
    expect(cosineAnneal(0.001, 0.1, 1)).toBe(0.1);
    expect(cosineAnneal(0.001, 0.1, 0.5)).toBeCloseTo(0.0505, 15);
    expect(linearAnneal(1, 3, 0.25)).toBe(1.5);
  });
});
