import { NoRetrainingLeftError, retrainingLeft } from './budget-accounting';

describe('retraining left under the budget accounting', () => {
  const base = { budgetSteps: 20, stepsPerEpoch: 10, what: 'l1/global at 2 epochs' };

  it('"retraining": the whole budget, whatever the pruner took', () => {
    expect(retrainingLeft({ ...base, mode: 'retraining', prunerSteps: 50 })).toEqual({ deductedSteps: 0, steps: 20 });
  });

  it('"total": the pruner\'s own steps come out; fewer than the minimum (default one epoch) is flagged', () => {
    expect(retrainingLeft({ ...base, mode: 'total', prunerSteps: 5 })).toEqual({ deductedSteps: 5, steps: 15, minimumSteps: 10, belowMinimum: false });
    expect(retrainingLeft({ ...base, mode: 'total', prunerSteps: 12 })).toEqual({ deductedSteps: 12, steps: 8, minimumSteps: 10, belowMinimum: true });
    expect(retrainingLeft({ ...base, mode: 'total', prunerSteps: 12, minimum: 5 })).toEqual(expect.objectContaining({ steps: 8, belowMinimum: false }));
  });

  it('"total" with nothing left: refused, naming the key that allows it, unless allowed', () => {
    expect(() => retrainingLeft({ ...base, mode: 'total', prunerSteps: 20 })).toThrow(NoRetrainingLeftError);
    expect(() => retrainingLeft({ ...base, mode: 'total', prunerSteps: 35 })).toThrow(/took 35 optimizer steps itself, the whole budget of 20: no retraining is left\. .*"allowNoRetraining": true/);
    expect(retrainingLeft({ ...base, mode: 'total', prunerSteps: 35, allowNone: true })).toEqual({ deductedSteps: 20, steps: 0, minimumSteps: 10, belowMinimum: true });
  });
});
