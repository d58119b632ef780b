import type { OriginalRecipe } from '../interfaces/schedule';

/**
 * The reference recipes of docs/spec/schedules.md. CIFAR: 160 epochs, LR 0.1 ×0.1 at 80 and 120,
 * momentum 0.9, weight decay 1e-4, batch 64. ImageNet: 90 epochs, LR 0.1 ×0.1 every 30, batch 256,
 * SLR milestones at floor(0.297 E) and floor(0.594 E) as in the study's code.
 */
export const ORIGINAL_PRESETS = {
  cifar: Object.freeze({
    epochs: 160,
    lr: 0.1,
    milestones: Object.freeze([80, 120]) as number[],
    gamma: 0.1,
    momentum: 0.9,
    weightDecay: 1e-4,
    batchSize: 64,
    nesterov: false,
  }),
  imagenet: Object.freeze({
    epochs: 90,
    lr: 0.1,
    milestones: Object.freeze([30, 60]) as number[],
    gamma: 0.1,
    momentum: 0.9,
    weightDecay: 1e-4,
    batchSize: 256,
    nesterov: false,
    // The study's ImageNet code drops SLR at int(0.297 E) and int(0.594 E), not at 0.3 / 0.6.
    slrMilestoneFractions: Object.freeze([0.297, 0.594]) as number[],
    // Liu et al. (ICLR 2019) train ImageNet's Scratch-B for at most 180 epochs (2 × 90).
    scratchBMaxFactor: 2,
  }),
} as const satisfies Record<string, OriginalRecipe>;

export type OriginalPresetName = keyof typeof ORIGINAL_PRESETS;
export const ORIGINAL_PRESET_NAMES = Object.keys(ORIGINAL_PRESETS) as OriginalPresetName[];
