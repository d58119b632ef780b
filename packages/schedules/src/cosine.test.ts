import { cifar, expectConstantWithinEpochs, makeSchedule } from './test-support';

describe('cosine', () => {
  it('anneals per step from the base LR towards minLr, as CosineAnnealingLR with T_max = E * S', () => {
    const steps = makeSchedule('cosine').compute(cifar, { epochs: 4, stepsPerEpoch: 25 });
    expect(steps).toHaveLength(100);
    expect(steps[0].lr).toBe(0.1);
    expect(steps[50].lr).toBeCloseTo(0.05, 15);
    expect(steps[99].lr).toBeCloseTo((0.1 * (1 + Math.cos((Math.PI * 99) / 100))) / 2, 15);
    for (let t = 1; t < 100; t++) expect(steps[t].lr).toBeLessThan(steps[t - 1].lr);
    expect(steps.every((s) => s.momentum === 0.9)).toBe(true);
  });

  it('takes lr, minLr and per-epoch stepping, and refuses minLr above lr', () => {
    const steps = makeSchedule('cosine', { lr: 0.2, minLr: 0.02, stepping: 'epoch' }).compute(cifar, { epochs: 4, stepsPerEpoch: 3 });
    expectConstantWithinEpochs(steps, 3);
    expect(steps[6].lr).toBeCloseTo(0.11, 15); // epoch 2 of 4: halfway
    expect(() => makeSchedule('cosine', { lr: 0.01, minLr: 0.1 }).compute(cifar, { epochs: 1, stepsPerEpoch: 1 })).toThrow(
      /minLr \(0.1\) must not exceed lr \(0.01\)/,
    );
    expect(() => makeSchedule('cosine', { stepping: 'batch' })).toThrow(/stepping: "batch" is not one of "step", "epoch"/);
  });
});
