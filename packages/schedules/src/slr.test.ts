import { resolveOriginalSchedule } from '@prunebench/core/config';
import { ScaledLrRestartingSchedule } from './slr';
import { cifar, expectConstantWithinEpochs, imagenet, lrPerEpoch, makeSchedule, runs } from './test-support';

const perEpoch = (schedule: ReturnType<typeof makeSchedule>, original: typeof cifar, epochs: number) =>
  lrPerEpoch(schedule.compute(original, { epochs, stepsPerEpoch: 3 }), 3);

describe('slr (scaled learning-rate restarting), CIFAR original', () => {
  const slr = makeSchedule('slr');

  it('E = 40: W = 4, warm-up 0.001, 0.01550, 0.0505, 0.08550; 0.1 for 4-21, 0.01 for 22-30, 0.001 for 31-39', () => {
    const lr = perEpoch(slr, cifar, 40);
    expect(lr[0]).toBeCloseTo(0.001, 12);
    expect(lr[1]).toBeCloseTo(0.0155, 5);
    expect(lr[2]).toBeCloseTo(0.0505, 12);
    expect(lr[3]).toBeCloseTo(0.0855, 5);
    // The exact warm-up: peak + (init - peak) / 2 * (cos(pi e / W) + 1).
    expect(lr[1]).toBeCloseTo(0.1 - 0.0495 * (Math.SQRT1_2 + 1), 14);
    expect(lr[3]).toBeCloseTo(0.1 - 0.0495 * (1 - Math.SQRT1_2), 14);
    expect(runs(lr.slice(4))).toEqual([
      [0.1, 0, 17],
      [0.01, 18, 26],
      [0.001, 27, 35],
    ]); // epochs 4-21, 22-30, 31-39
  });

  it('E = 72: W = 7; warm-up 0-6; 0.1 for 7-38, 0.01 for 39-54, 0.001 for 55-71', () => {
    const lr = perEpoch(slr, cifar, 72);
    expect(lr[0]).toBeCloseTo(0.001, 12);
    for (let e = 1; e < 7; e++) expect(lr[e]).toBeGreaterThan(lr[e - 1]);
    expect(lr[6]).toBeLessThan(0.1);
    expect(runs(lr.slice(7)).map(([v, a, b]) => [v, a + 7, b + 7])).toEqual([
      [0.1, 7, 38],
      [0.01, 39, 54],
      [0.001, 55, 71],
    ]);
  });

  it('scales the milestones by 0.9 E / T_orig: [floor(0.45 E), floor(0.675 E)] for CIFAR', () => {
    const schedule = slr as ScaledLrRestartingSchedule;
    for (const e of [10, 20, 40, 72, 80, 100, 152, 160, 300]) {
      expect(schedule.milestones(cifar, { epochs: e, stepsPerEpoch: 1 })).toEqual([Math.floor(0.45 * e), Math.floor(0.675 * e)]);
      expect(schedule.warmupEpochs({ epochs: e, stepsPerEpoch: 1 })).toBe(Math.floor(0.1 * e));
    }
  });

  it('has no warm-up below 10 epochs, and steps per epoch', () => {
    expect(runs(perEpoch(slr, cifar, 5))).toEqual([
      [0.1, 0, 1],
      [0.01, 2, 2],
      [0.001, 3, 4],
    ]);
    expectConstantWithinEpochs(slr.compute(cifar, { epochs: 40, stepsPerEpoch: 5 }), 5);
  });

  it("drops the ImageNet preset at the study code's floor(0.297 E) and floor(0.594 E) after the warm-up: epochs 15 and 27 at E = 40", () => {
    const lr = perEpoch(slr, imagenet, 40);
    expect((slr as ScaledLrRestartingSchedule).milestones(imagenet, { epochs: 40, stepsPerEpoch: 1 })).toEqual([11, 23]);
    expect(runs(lr.slice(4))).toEqual([
      [0.1, 0, 10],
      [0.01, 11, 22],
      [0.001, 23, 35],
    ]);
    expect(lr.findIndex((v, e) => e >= 4 && v < 0.05)).toBe(15);
    expect(lr.findIndex((v, e) => e >= 4 && v < 0.005)).toBe(27);
    expect(runs(perEpoch(slr, imagenet, 90).slice(9))).toEqual([
      [0.1, 0, 25],
      [0.01, 26, 52],
      [0.001, 53, 80],
    ]);
  });

  it('scales the milestones of an ImageNet recipe whose length or milestones differ from the preset (0.3 E / 0.6 E for 30/60 of 90)', () => {
    const custom = resolveOriginalSchedule({ preset: 'imagenet', milestones: [30, 60] });
    expect(custom.slrMilestoneFractions).toBeUndefined();
    expect((slr as ScaledLrRestartingSchedule).milestones(custom, { epochs: 40, stepsPerEpoch: 1 })).toEqual([12, 24]);
    expect(resolveOriginalSchedule({ preset: 'imagenet', weightDecay: 5e-5 }).slrMilestoneFractions).toEqual([0.297, 0.594]);
    expect(resolveOriginalSchedule({ preset: 'imagenet', epochs: 120, slrMilestoneFractions: [0.3, 0.6] }).slrMilestoneFractions).toEqual([0.3, 0.6]);
  });

  it('takes milestoneFractions as an option over the recipe', () => {
    const reference = makeSchedule('slr', { milestoneFractions: [0.5] }) as ScaledLrRestartingSchedule;
    expect(reference.milestones(imagenet, { epochs: 90, stepsPerEpoch: 1 })).toEqual([45]);
  });

  it('takes the warm-up fraction as an option and refuses bad ones', () => {
    const lr = perEpoch(makeSchedule('slr', { warmupFraction: 0.2 }), cifar, 40);
    expect(lr[7]).toBeLessThan(0.1);
    expect(lr[8]).toBe(0.1);
    expect(() => makeSchedule('slr', { warmupFraction: 1 })).toThrow(/warmupFraction: must be < 1/);
    expect(() => makeSchedule('slr', { warmupFraction: -0.1 })).toThrow(/warmupFraction: must be >= 0/);
  });
});
