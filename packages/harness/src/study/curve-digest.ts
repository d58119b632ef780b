import { createHash } from 'node:crypto';
import type { StepHyperparameters } from '@prunebench/core';

/**
 * sha256 of a run's exact LR/momentum curve: every step's lr and momentum as float64,
 * little-endian, in step order. Two runs with equal digests took identical hyperparameters at
 * every step; a changed schedule implementation changes it, whatever its id.
 */
export function curveDigest(steps: readonly StepHyperparameters[]): string {
  const bytes = Buffer.alloc(steps.length * 16);
  steps.forEach((s, i) => {
    bytes.writeDoubleLE(s.lr, 16 * i);
    bytes.writeDoubleLE(s.momentum, 16 * i + 8);
  });
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
