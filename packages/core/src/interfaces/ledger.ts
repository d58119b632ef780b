/**
 * What one run spent. The harness compares ledgers: every retraining run of a study must take
 * the same optimizer steps on the same samples; extra passes are shown, never hidden.
 */
export interface LedgerEntries {
  /** Optimizer steps taken (retraining). */
  optimizerSteps: number;
  /** Training samples those steps consumed. */
  samples: number;
  /** Forward passes that were not training steps (calibration, scoring), in samples. */
  extraForwardSamples: number;
  /** Backward passes that were not training steps (gradient criteria), in samples. */
  extraBackwardSamples: number;
  /** Optimizer steps a pruner took of its own (e.g. sparsity training). */
  extraOptimizerSteps: number;
  /** Wall time per phase, milliseconds. */
  wallTimeMs: Record<string, number>;
}

export interface Ledger {
  readonly entries: Readonly<LedgerEntries>;
  charge(kind: Exclude<keyof LedgerEntries, 'wallTimeMs'>, amount: number): void;
  /** Times `work` and adds it to `wallTimeMs[phase]`. */
  time<T>(phase: string, work: () => Promise<T>): Promise<T>;
}
