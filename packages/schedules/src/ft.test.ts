import { cifar, expectConstantWithinEpochs, imagenet, makeSchedule } from './test-support';

describe('ft (fine-tuning)', () => {
  it("uses the original's last LR, constant, with its momentum (0.001 for CIFAR)", () => {
    const steps = makeSchedule('ft').compute(cifar, { epochs: 40, stepsPerEpoch: 3 });
    expect(steps).toHaveLength(120);
    for (const s of steps) {
      expect(s.lr).toBeCloseTo(0.001, 15);
      expect(s.momentum).toBe(0.9);
    }
  });

  it('derives from the original schedule given', () => {
    expect(makeSchedule('ft').compute(imagenet, { epochs: 5, stepsPerEpoch: 2 })[0].lr).toBeCloseTo(0.001, 15);
    const custom = { epochs: 30, lr: 0.05, milestones: [10, 20], gamma: 0.2, momentum: 0.8 };
    const steps = makeSchedule('ft').compute(custom, { epochs: 4, stepsPerEpoch: 5 });
    expectConstantWithinEpochs(steps, 5);
    expect(steps[19]).toEqual({ lr: expect.closeTo(0.002, 15), momentum: 0.8 });
  });
});
