import type { LedgerEntries } from '@prunebench/core';
import { meterCompute, type ComputeTally } from './engine-meter';
import type { ServedTally } from './metered-dataset';
import { meterOptimizerSteps } from './optimizer-meter';

/** What the harness measured a phase (a pruner's prune, a retraining) spending. */
export interface MeasuredCost {
  /** Examples served by the metered dataset view (pruners with `needsData` only). */
  examplesServed: number;
  served?: ServedTally;
  /** Multiply-accumulates of the convolutions and matrix products the engine ran (forward and backward). */
  macs: number;
  byKernel: ComputeTally['byKernel'];
  /** Steps of tfjs optimizers taken. */
  optimizerSteps: number;
}

/** Meters engine compute and optimizer steps while `work` runs. */
export async function measure<T>(work: () => Promise<T>): Promise<{ result: T; compute: ComputeTally; optimizerSteps: number }> {
  const { result: inner, compute } = await meterCompute(() => meterOptimizerSteps(work));
  return { result: inner.result, compute, optimizerSteps: inner.steps };
}

/**
 * Where what a pruner charged its ledger disagrees with what the harness measured, in words
 * (empty when they agree). A pruner that charges nothing but drew data or took steps is named.
 */
export function costMismatches(declared: LedgerEntries, measured: MeasuredCost): string[] {
  const problems: string[] = [];
  const declaredExamples = Math.max(declared.extraForwardSamples, declared.extraBackwardSamples);
  if (declaredExamples !== measured.examplesServed) {
    problems.push(`declared ${declaredExamples} examples of extra passes, was served ${measured.examplesServed}`);
  }
  if (declared.extraOptimizerSteps !== measured.optimizerSteps) {
    problems.push(`declared ${declared.extraOptimizerSteps} optimizer steps, took ${measured.optimizerSteps}`);
  }
  return problems;
}
