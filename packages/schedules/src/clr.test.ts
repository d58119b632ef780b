import { CyclicLrRestartingSchedule } from './clr';
import { cifar, imagenet, makeSchedule } from './test-support';

/**
 * The spec's CLR, transcribed on its own (not through the implementation's helpers):
 * up_end = 0.1 T - 1, down_end = T - 1, cosAnneal(a, b, p) = b + (a - b) / 2 (cos(pi p) + 1).
 */
function specClr(total: number, maxLr = 0.1): Array<{ lr: number; momentum: number }> {
  const upEnd = 0.1 * total - 1;
  const downEnd = total - 1;
  const cosAnneal = (a: number, b: number, p: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1);
  const start = maxLr / 100;
  const end = start / 100;
  return Array.from({ length: total }, (_, t) =>
    t <= upEnd
      ? { lr: cosAnneal(start, maxLr, t / upEnd), momentum: cosAnneal(0.95, 0.85, t / upEnd) }
      : { lr: cosAnneal(maxLr, end, (t - upEnd) / (downEnd - upEnd)), momentum: cosAnneal(0.85, 0.95, (t - upEnd) / (downEnd - upEnd)) },
  );
}

function expectRelativelyEqual(actual: number, expected: number, tolerance = 1e-9) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('clr (cyclic learning-rate restarting, one cycle)', () => {
  const clr = makeSchedule('clr');

  it('E = 40, S = 100 (T = 4000): starts at 0.001, peaks at 0.1 on step 399 with momentum 0.85, ends at 1e-5', () => {
    const steps = clr.compute(cifar, { epochs: 40, stepsPerEpoch: 100 });
    expect(steps).toHaveLength(4000);
    expectRelativelyEqual(steps[0].lr, 0.001);
    expect(steps[0].momentum).toBeCloseTo(0.95, 15);
    const peak = steps.reduce((best, s, t) => (s.lr > steps[best].lr ? t : best), 0);
    expect(peak).toBe(399); // up_end = 0.1 * 4000 - 1
    expectRelativelyEqual(steps[399].lr, 0.1);
    expect(steps[399].momentum).toBeCloseTo(0.85, 15);
    expectRelativelyEqual(steps[3999].lr, 1e-5);
    expect(steps[3999].momentum).toBeCloseTo(0.95, 15);
    // Rising to the peak, falling after it.
    const lr = steps.map((s) => s.lr);
    expect(lr.slice(1, 400).every((v, i) => v > lr[i])).toBe(true);
    expect(lr.slice(400).every((v, i) => v < lr[399 + i])).toBe(true);
  });

  it('matches values worked out by hand (T = 100: up_end = 9, down_end = 99)', () => {
    const steps = clr.compute(cifar, { epochs: 10, stepsPerEpoch: 10 });
    // t = 3: pct = 1/3, cos(pi/3) = 1/2: 0.1 - 0.099/2 * 1.5 = 0.02575; momentum 0.85 + 0.05 * 1.5 = 0.925.
    expectRelativelyEqual(steps[3].lr, 0.02575);
    expectRelativelyEqual(steps[3].momentum, 0.925);
    expectRelativelyEqual(steps[9].lr, 0.1);
    // t = 54: pct = 45/90 = 1/2: halfway between 0.1 and 1e-5; momentum halfway between 0.85 and 0.95.
    expectRelativelyEqual(steps[54].lr, 0.050005);
    expectRelativelyEqual(steps[54].momentum, 0.9);
    expectRelativelyEqual(steps[99].lr, 0.00001);
  });

  it("equals the spec's formula (PyTorch's OneCycleLR) to 1e-9 relative at every step, integer or fractional up_end", () => {
    for (const [epochs, stepsPerEpoch] of [
      [40, 391],
      [3, 5],
      [7, 13],
      [1, 1],
      [1, 7],
      [160, 17],
    ]) {
      const steps = clr.compute(cifar, { epochs, stepsPerEpoch });
      const reference = specClr(epochs * stepsPerEpoch);
      expect(steps).toHaveLength(reference.length);
      const worst = Math.max(
        ...steps.map((s, t) =>
          Math.max(Math.abs(s.lr - reference[t].lr) / reference[t].lr, Math.abs(s.momentum - reference[t].momentum) / reference[t].momentum),
        ),
      );
      expect(worst).toBeLessThanOrEqual(1e-9);
    }
  });

  it('computes the phase boundaries as OneCycleLR does', () => {
    const schedule = clr as CyclicLrRestartingSchedule;
    expect(schedule.phaseEnds({ epochs: 40, stepsPerEpoch: 391 })).toEqual([0.1 * 15640 - 1, 15639]);
    expect(schedule.phaseEnds({ epochs: 3, stepsPerEpoch: 5 })).toEqual([0.5, 14]);
  });

  it('has no NaN when the rising phase has zero length (T = 10), where PyTorch divides by zero', () => {
    const steps = clr.compute(cifar, { epochs: 2, stepsPerEpoch: 5 });
    expect(steps.every((s) => Number.isFinite(s.lr) && Number.isFinite(s.momentum))).toBe(true);
    expectRelativelyEqual(steps[0].lr, 0.001);
    expectRelativelyEqual(steps[9].lr, 1e-5);
  });

  it("keeps the original's momentum with cycleMomentum: false", () => {
    const steps = makeSchedule('clr', { cycleMomentum: false }).compute(cifar, { epochs: 10, stepsPerEpoch: 10 });
    expect(steps.every((s) => s.momentum === 0.9)).toBe(true);
    expectRelativelyEqual(steps[9].lr, 0.1);
    const other = makeSchedule('clr', { cycleMomentum: false }).compute({ ...imagenet, momentum: 0.8 }, { epochs: 2, stepsPerEpoch: 3 });
    expect(other.every((s) => s.momentum === 0.8)).toBe(true);
  });

  it("takes max_lr from the original's largest LR, and options override the spec defaults", () => {
    const big = { ...imagenet, lr: 0.4 };
    const steps = clr.compute(big, { epochs: 10, stepsPerEpoch: 10 });
    expectRelativelyEqual(steps[0].lr, 0.004);
    expectRelativelyEqual(steps[9].lr, 0.4);
    expectRelativelyEqual(steps[99].lr, 0.00004);
    const custom = makeSchedule('clr', { maxLr: 1, divFactor: 10, finalDivFactor: 1000, pctStart: 0.3, baseMomentum: 0.8, maxMomentum: 0.9 }).compute(cifar, {
      epochs: 10,
      stepsPerEpoch: 10,
    });
    expectRelativelyEqual(custom[0].lr, 0.1);
    expectRelativelyEqual(custom[29].lr, 1); // up_end = 0.3 * 100 - 1
    expectRelativelyEqual(custom[29].momentum, 0.8);
    expectRelativelyEqual(custom[99].lr, 1e-4);
    const linear = makeSchedule('clr', { anneal: 'linear' }).compute(cifar, { epochs: 10, stepsPerEpoch: 10 });
    expectRelativelyEqual(linear[3].lr, 0.001 + (0.099 * 3) / 9);
  });

  it('refuses bad options with the key', () => {
    expect(() => makeSchedule('clr', { pctStart: 1.5 })).toThrow(/pctStart: must be <= 1/);
    expect(() => makeSchedule('clr', { maxLr: -0.1 })).toThrow(/maxLr: must be > 0/);
    expect(() => makeSchedule('clr', { cycleMomentun: false })).toThrow(/unknown key "cycleMomentun" — did you mean "cycleMomentum"\?/);
    expect(() => makeSchedule('clr', { baseMomentum: 0.95, maxMomentum: 0.85 }).compute(cifar, { epochs: 1, stepsPerEpoch: 1 })).toThrow(
      /baseMomentum \(0.95, the momentum at the peak\) must not exceed maxMomentum \(0.85\)/,
    );
  });
});
