import { OptionsError } from '@prunebench/core';
import type { Normalization } from '../transforms/normalize';
import { scaleOnly } from '../transforms/normalize';

/** Options every dataset takes: how the splits are made. */
export interface SplitOptions {
  /** Seed of the validation hold-out and of the subsets (default 0). Batch order has its own seed. */
  seed: number;
  /** Examples held out of the training data as the validation split (default 0: none). */
  validationSize: number;
  /** Use only this many training examples (stratified, seeded): quick studies. */
  trainSize?: number;
  /** Use only this many test examples (stratified, seeded). */
  testSize?: number;
}

/** Options of the per-channel normalisation. */
export interface NormalizationOptions {
  /** `standardize`: (x/255 − mean) / std per channel; `scale`: x/255 in [0, 1]. */
  normalize: 'standardize' | 'scale';
  /** Per-channel mean (of x/255) replacing the dataset's default. */
  mean?: number[];
  /** Per-channel std (of x/255) replacing the dataset's default. */
  std?: number[];
}

export const splitOptionsSchema = {
  seed: {
    type: 'integer',
    minimum: 0,
    default: 0,
    description: 'seed of the validation hold-out and the trainSize/testSize subsets (batch order is seeded per run)',
  },
  validationSize: { type: 'integer', minimum: 0, default: 0, description: 'examples held out of the training data for validation' },
  trainSize: { type: 'integer', minimum: 1, description: 'use only this many training examples (stratified)' },
  testSize: { type: 'integer', minimum: 1, description: 'use only this many test examples (stratified)' },
} as const;

export function normalizationOptionsSchema(defaultMode: 'standardize' | 'scale') {
  return {
    normalize: { enum: ['standardize', 'scale'], default: defaultMode, description: 'standardize: (x - mean) / std per channel; scale: [0, 1]' },
    mean: { type: 'array', items: { type: 'number' }, minItems: 1, description: 'per-channel mean of x/255 (overrides the default)' },
    std: { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 1, description: 'per-channel std of x/255 (overrides the default)' },
  } as const;
}

/** The normalisation to apply: `scale`, or the default statistics with `mean` / `std` overriding them. */
export function resolveNormalization(
  options: NormalizationOptions,
  channels: number,
  defaults: () => Normalization,
  label: string,
): Normalization {
  for (const key of ['mean', 'std'] as const) {
    const value = options[key];
    if (value && value.length !== channels) {
      throw new OptionsError(`${label}: "${key}" has ${value.length} value(s) but the images have ${channels} channel(s)`);
    }
  }
  if (options.normalize === 'scale') return scaleOnly(channels);
  const fallback = options.mean && options.std ? undefined : defaults();
  return { mean: options.mean ?? fallback!.mean, std: options.std ?? fallback!.std };
}
