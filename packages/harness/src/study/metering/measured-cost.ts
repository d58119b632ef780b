import type { LedgerEntries } from '@prunebench/core';
import { meterCompute, type ComputeTally } from './engine-meter';
import type { ServedTally } from './metered-dataset';
import { meterOptimizerSteps } from './optimizer-meter';
import { measureCpu, type CpuClock } from './thread-cpu';

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
  /**
   * CPU time of the thread that ran it, in seconds (thread-cpu.ts): work outside the engine shows
   * here. `cpuScope` "process" where the thread's own clock could not be read.
   */
  cpuSeconds?: number;
  cpuScope?: 'thread' | 'process';
}

/** Meters engine compute and optimizer steps while `work` runs. */
export async function measure<T>(work: () => Promise<T>): Promise<{ result: T; compute: ComputeTally; optimizerSteps: number; cpu: CpuClock }> {
  const { result: timed, compute } = await meterCompute(() => meterOptimizerSteps(() => measureCpu(work)));
  return { result: timed.result.result, compute, optimizerSteps: timed.steps, cpu: timed.result.cpu };
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
