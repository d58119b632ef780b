import { cifar, imagenet, makeSchedule } from './test-support';

/**
 * PyTorch's OneCycleLR (two phases, cosine), transcribed from its documented algorithm on its
 * own: phase ends `pct_start * T - 1` and `T - 1`, `initial_lr = max_lr / div_factor`,
 * `min_lr = initial_lr / final_div_factor`; with `cycle_momentum=False` the optimizer's
 * momentum is left as it is.
 */
function oneCycleLR(total: number, o: { maxLr: number; divFactor: number; finalDivFactor: number; pctStart: number; cycleMomentum: boolean; momentum: number }) {
  const cos = (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  const initial = o.maxLr / o.divFactor;
  const min = initial / o.finalDivFactor;
  const phases = [
    { end: o.pctStart * total - 1, lr: [initial, o.maxLr], m: [0.95, 0.85] },
    { end: total - 1, lr: [o.maxLr, min], m: [0.85, 0.95] },
  ];
  return Array.from({ length: total }, (_, t) => {
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const p = phases[i];
      if (t <= p.end || i === phases.length - 1) {
        const pct = p.end === start ? 0 : (t - start) / (p.end - start);
        return { lr: cos(p.lr[0], p.lr[1], pct), momentum: o.cycleMomentum ? cos(p.m[0], p.m[1], pct) : o.momentum };
      }
      start = p.end;
    }
    throw new Error('unreachable');
  });
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('one-cycle variants of the reference code', () => {
  const budgets = [
    [40, 391],
    [3, 5],
    [7, 13],
    [1, 7],
    [90, 3],
  ];

  it('clr-nomom equals OneCycleLR(cycle_momentum=False) to 1e-9 relative: the LR of clr, the original\'s momentum', () => {
    for (const original of [cifar, { ...imagenet, momentum: 0.8 }]) {
      for (const [epochs, stepsPerEpoch] of budgets) {
        const steps = makeSchedule('clr-nomom').compute(original, { epochs, stepsPerEpoch });
        const reference = oneCycleLR(epochs * stepsPerEpoch, { maxLr: 0.1, divFactor: 100, finalDivFactor: 100, pctStart: 0.1, cycleMomentum: false, momentum: original.momentum ?? 0.9 });
        expect(steps).toHaveLength(reference.length);
        const worst = Math.max(...steps.map((s, t) => Math.max(relative(s.lr, reference[t].lr), relative(s.momentum, reference[t].momentum))));
        expect(worst).toBeLessThanOrEqual(1e-9);
        expect(new Set(steps.map((s) => s.momentum)).size).toBe(1);
      }
    }
    // Same LR as clr, different momentum.
    const clr = makeSchedule('clr').compute(cifar, { epochs: 3, stepsPerEpoch: 5 });
    const nomom = makeSchedule('clr-nomom').compute(cifar, { epochs: 3, stepsPerEpoch: 5 });
    expect(nomom.map((s) => s.lr)).toEqual(clr.map((s) => s.lr));
    expect(nomom.map((s) => s.momentum)).not.toEqual(clr.map((s) => s.momentum));
  });

  it('clr-div10 equals OneCycleLR(div_factor=10, final_div_factor=100, pct_start=0.1) to 1e-9 relative', () => {
    for (const [epochs, stepsPerEpoch] of budgets) {
      const steps = makeSchedule('clr-div10').compute(cifar, { epochs, stepsPerEpoch });
      const reference = oneCycleLR(epochs * stepsPerEpoch, { maxLr: 0.1, divFactor: 10, finalDivFactor: 100, pctStart: 0.1, cycleMomentum: true, momentum: 0.9 });
      const worst = Math.max(...steps.map((s, t) => Math.max(relative(s.lr, reference[t].lr), relative(s.momentum, reference[t].momentum))));
      expect(worst).toBeLessThanOrEqual(1e-9);
    }
    const steps = makeSchedule('clr-div10').compute(cifar, { epochs: 10, stepsPerEpoch: 10 });
    expect(relative(steps[0].lr, 0.01)).toBeLessThan(1e-12);
    expect(relative(steps[99].lr, 1e-4)).toBeLessThan(1e-12);
  });

  it('takes the same options as clr, so a variant can still be tuned', () => {
    const steps = makeSchedule('clr-div10', { divFactor: 20 }).compute(cifar, { epochs: 10, stepsPerEpoch: 10 });
    expect(relative(steps[0].lr, 0.005)).toBeLessThan(1e-12);
    expect(() => makeSchedule('clr-nomom', { cycleMomentun: true })).toThrow(/did you mean "cycleMomentum"/);
  });
});
