import { inject, injectable } from 'tsyringe';
import { OPTIONS } from '@prunebench/core';
import { CyclicLrRestartingSchedule, oneCycleOptionsSchema, type CyclicLrRestartingOptions } from './clr';

/**
 * CLR without momentum cycling: the one-cycle LR of `clr`, momentum held at the original's
 * (PyTorch's OneCycleLR with `cycle_momentum=False`), as the reference code's ImageNet ablation.
 */
@injectable()
export class OneCycleNoMomentumSchedule extends CyclicLrRestartingSchedule {
  static override readonly id: string = 'clr-nomom';
  static override readonly description: string = "CLR without momentum cycling (momentum stays the original's): the reference code's ImageNet ablation";
  static override readonly optionsSchema = oneCycleOptionsSchema({ cycleMomentum: false });

  constructor(@inject(OPTIONS) options: CyclicLrRestartingOptions) {
    super({ cycleMomentum: false, ...options });
  }
}

/**
 * CLR with div factor 10 (start LR = max LR / 10, end LR = start / 100, pct_start 0.1): the
 * reference code's HRank runs (`hrankplus/main.py` defaults).
 */
@injectable()
export class OneCycleDiv10Schedule extends CyclicLrRestartingSchedule {
  static override readonly id: string = 'clr-div10';
  static override readonly description: string = 'CLR starting at max LR / 10 (div factor 10, final div factor 100): the reference code\'s HRank runs';
  static override readonly optionsSchema = oneCycleOptionsSchema({ divFactor: 10 });

  constructor(@inject(OPTIONS) options: CyclicLrRestartingOptions) {
    super({ divFactor: 10, ...options });
  }
}
