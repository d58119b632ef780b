import { cifar, imagenet, makeSchedule } from './test-support';

describe('constant', () => {
  it("defaults to the original's base LR and momentum", () => {
    const steps = makeSchedule('constant').compute({ ...imagenet, lr: 0.2, momentum: 0.5 }, { epochs: 3, stepsPerEpoch: 4 });
    expect(steps).toHaveLength(12);
    expect(steps.every((s) => s.lr === 0.2 && s.momentum === 0.5)).toBe(true);
  });

  it('takes an lr option and refuses a negative one', () => {
    expect(makeSchedule('constant', { lr: 0.03 }).compute(cifar, { epochs: 2, stepsPerEpoch: 1 })).toEqual([
      { lr: 0.03, momentum: 0.9 },
      { lr: 0.03, momentum: 0.9 },
    ]);
    expect(() => makeSchedule('constant', { lr: -0.1 })).toThrow(/lr: must be > 0 \(got -0.1\)/);
  });
});
