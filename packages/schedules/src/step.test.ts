import { StepSchedule } from './step';
import { cifar, expectConstantWithinEpochs, imagenet, lrPerEpoch, makeSchedule, runs } from './test-support';

describe('step', () => {
  it("defaults to the original's milestones scaled to the budget, its gamma and base LR", () => {
    const steps = makeSchedule('step').compute(cifar, { epochs: 40, stepsPerEpoch: 3 });
    expectConstantWithinEpochs(steps, 3);
    expect(runs(lrPerEpoch(steps, 3))).toEqual([
      [0.1, 0, 19],
      [0.01, 20, 29],
      [0.001, 30, 39],
    ]);
    expect((makeSchedule('step') as StepSchedule).milestones(imagenet, { epochs: 45, stepsPerEpoch: 1 })).toEqual([15, 30]);
  });

  it('takes milestones, gamma and lr as options; milestones past the budget are never reached', () => {
    const steps = makeSchedule('step', { lr: 0.5, milestones: [2, 4, 100], gamma: 0.5 }).compute(cifar, { epochs: 6, stepsPerEpoch: 1 });
    expect(steps.map((s) => s.lr)).toEqual([0.5, 0.5, 0.25, 0.25, 0.125, 0.125]);
    expect(steps[0].momentum).toBe(0.9);
  });

  it('refuses milestones that are not increasing whole epochs', () => {
    expect(() => makeSchedule('step', { milestones: [5, 3] })).toThrow(/milestones must increase \(5 then 3 at milestones\[1\]\)/);
    expect(() => makeSchedule('step', { milestones: [1.5] })).toThrow(/milestones\[0\]: must be integer/);
    expect(() => makeSchedule('step', { gamma: 0 })).toThrow(/gamma: must be > 0/);
  });
});
