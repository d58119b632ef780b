import { inject, injectable } from 'tsyringe';
import {
  OPTIONS,
  OptionsError,
  cosineAnneal,
  expandPerStep,
  linearAnneal,
  originalLrSummary,
  originalMomentum,
  type Budget,
  type OriginalRecipe,
  type Schedule,
  type StepHyperparameters,
} from '@prunebench/core';

export interface CyclicLrRestartingOptions {
  /** Peak LR. Default: the original schedule's largest LR. */
  maxLr?: number;
  /** Start LR = maxLr / divFactor. Default 100. */
  divFactor?: number;
  /** End LR = start LR / finalDivFactor. Default 100. */
  finalDivFactor?: number;
  /** Fraction of the steps spent rising. Default 0.1. */
  pctStart?: number;
  /** Cycle momentum opposite to the LR (maxMomentum → baseMomentum → maxMomentum). Default true. */
  cycleMomentum?: boolean;
  /** Momentum at the peak. Default 0.85. */
  baseMomentum?: number;
  /** Momentum at the start and end. Default 0.95. */
  maxMomentum?: number;
  /** Annealing shape. Default "cos". */
  anneal?: 'cos' | 'linear';
}

/** Defaults a one-cycle variant changes (the rest are the spec's CLR defaults). */
export type OneCycleDefaults = Partial<Pick<CyclicLrRestartingOptions, 'divFactor' | 'finalDivFactor' | 'pctStart' | 'cycleMomentum'>>;

/** The options schema of CLR and its variants: the same keys, a variant's own defaults. */
export function oneCycleOptionsSchema(defaults: OneCycleDefaults) {
  return {
    type: 'object',
    properties: {
      maxLr: { type: 'number', exclusiveMinimum: 0 },
      divFactor: { type: 'number', exclusiveMinimum: 0, default: defaults.divFactor ?? 100 },
      finalDivFactor: { type: 'number', exclusiveMinimum: 0, default: defaults.finalDivFactor ?? 100 },
      pctStart: { type: 'number', minimum: 0, maximum: 1, default: defaults.pctStart ?? 0.1 },
      cycleMomentum: { type: 'boolean', default: defaults.cycleMomentum ?? true },
      baseMomentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.85 },
      maxMomentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.95 },
      anneal: { enum: ['cos', 'linear'], default: 'cos' },
    },
  };
}

/**
 * CLR, cyclic learning-rate restarting (docs/spec/schedules.md): PyTorch's OneCycleLR, two phases,
 * stepped every optimizer step over T = E*S steps. Phase ends `pctStart * T - 1` (a float) and
 * `T - 1`; phase 1 anneals start LR → maxLr, phase 2 maxLr → end LR, with
 * `pct = (t - phaseStart) / (phaseEnd - phaseStart)`. Momentum cycles the opposite way unless
 * `cycleMomentum` is false, when it is the original's momentum.
 */
@injectable()
export class CyclicLrRestartingSchedule implements Schedule {
  static readonly id: string = 'clr';
  static readonly description: string = "cyclic LR restarting: one cycle (PyTorch's OneCycleLR) up to the original's largest LR";
  static readonly optionsSchema = oneCycleOptionsSchema({});

  constructor(@inject(OPTIONS) readonly options: CyclicLrRestartingOptions) {}

  /** The two phases' last steps, as OneCycleLR computes them: `[pctStart * T - 1, T - 1]`. */
  phaseEnds(budget: Budget): [number, number] {
    const total = budget.epochs * budget.stepsPerEpoch;
    return [(this.options.pctStart ?? 0.1) * total - 1, total - 1];
  }

  compute(original: OriginalRecipe, budget: Budget): StepHyperparameters[] {
    const o = this.options;
    const maxLr = o.maxLr ?? originalLrSummary(original).largest;
    const initialLr = maxLr / (o.divFactor ?? 100);
    const minLr = initialLr / (o.finalDivFactor ?? 100);
    const cycleMomentum = o.cycleMomentum ?? true;
    const maxMomentum = o.maxMomentum ?? 0.95;
    const baseMomentum = o.baseMomentum ?? 0.85;
    if (cycleMomentum && baseMomentum > maxMomentum) {
      throw new OptionsError(
        `schedule "clr": baseMomentum (${baseMomentum}, the momentum at the peak) must not exceed maxMomentum (${maxMomentum})`,
      );
    }
    const anneal = (o.anneal ?? 'cos') === 'cos' ? cosineAnneal : linearAnneal;
    const fixedMomentum = originalMomentum(original);
    const phases = [
      { end: this.phaseEnds(budget)[0], lr: [initialLr, maxLr], momentum: [maxMomentum, baseMomentum] },
      { end: this.phaseEnds(budget)[1], lr: [maxLr, minLr], momentum: [baseMomentum, maxMomentum] },
    ];
    return expandPerStep(budget, (t) => {
      // As OneCycleLR.get_lr: the first phase whose end is >= t (the last phase otherwise).
      let start = 0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        if (t <= phase.end || i === phases.length - 1) {
          // A phase of zero length (pctStart * T == 1) would divide 0 by 0 in PyTorch; start it.
          const pct = phase.end === start ? 0 : (t - start) / (phase.end - start);
          return {
            lr: anneal(phase.lr[0], phase.lr[1], pct),
            momentum: cycleMomentum ? anneal(phase.momentum[0], phase.momentum[1], pct) : fixedMomentum,
          };
        }
        start = phase.end;
      }
      throw new Error('unreachable: the last phase always matches');
    });
  }
}
