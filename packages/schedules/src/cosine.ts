import { inject, injectable } from 'tsyringe';
import {
  OPTIONS,
  OptionsError,
  expandPerEpoch,
  expandPerStep,
  originalMomentum,
  type Budget,
  type OriginalRecipe,
  type Schedule,
  type StepHyperparameters,
} from '@prunebench/core';

export interface CosineOptions {
  /** Start LR. Default: the original's base LR. */
  lr?: number;
  /** The LR the cosine approaches at the end of the budget. Default 0. */
  minLr?: number;
  /** Anneal every optimizer step (default) or once per epoch. */
  stepping?: 'step' | 'epoch';
}

/**
 * Cosine annealing over the whole budget (PyTorch's CosineAnnealingLR with T_max = the budget):
 * `minLr + (lr - minLr) * (1 + cos(pi * t / T)) / 2` for step t of T (or epoch e of E).
 */
@injectable()
export class CosineSchedule implements Schedule {
  static readonly id = 'cosine';
  static readonly description = 'cosine annealing from lr to minLr over the budget, per step';
  static readonly optionsSchema = {
    type: 'object',
    properties: {
      lr: { type: 'number', exclusiveMinimum: 0 },
      minLr: { type: 'number', minimum: 0, default: 0 },
      stepping: { enum: ['step', 'epoch'], default: 'step' },
    },
  };

  constructor(@inject(OPTIONS) readonly options: CosineOptions) {}

  compute(original: OriginalRecipe, budget: Budget): StepHyperparameters[] {
    const lr = this.options.lr ?? original.lr;
    const minLr = this.options.minLr ?? 0;
    if (minLr > lr) throw new OptionsError(`schedule "cosine": minLr (${minLr}) must not exceed lr (${lr})`);
    const momentum = originalMomentum(original);
    const at = (i: number, n: number) => ({ lr: minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * i) / n))) / 2, momentum });
    if (this.options.stepping === 'epoch') return expandPerEpoch(budget, (e) => at(e, budget.epochs));
    return expandPerStep(budget, (t) => at(t, budget.epochs * budget.stepsPerEpoch));
  }
}
