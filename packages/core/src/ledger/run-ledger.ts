import type { Ledger, LedgerEntries } from '../interfaces/ledger';

type CountKind = Exclude<keyof LedgerEntries, 'wallTimeMs'>;

/** A fresh, all-zero set of entries. */
export function emptyLedgerEntries(): LedgerEntries {
  return {
    optimizerSteps: 0,
    samples: 0,
    extraForwardSamples: 0,
    extraBackwardSamples: 0,
    extraOptimizerSteps: 0,
    wallTimeMs: {},
  };
}

/**
 * What one run spent (core's `Ledger`): the trainer charges optimizer steps, samples and the
 * wall time of its phase; pruners charge their extra passes. Serialises with `toJSON()` and
 * comes back with `RunLedger.from(entries)`, so a resumed run keeps counting.
 */
export class RunLedger implements Ledger {
  private readonly data: LedgerEntries;

  constructor(initial?: Partial<LedgerEntries>) {
    this.data = { ...emptyLedgerEntries(), ...initial, wallTimeMs: { ...(initial?.wallTimeMs ?? {}) } };
  }

  static from(entries: Partial<LedgerEntries>): RunLedger {
    return new RunLedger(entries);
  }

  get entries(): Readonly<LedgerEntries> {
    return this.data;
  }

  charge(kind: CountKind, amount: number): void {
    if (!Number.isFinite(amount) || amount < 0) throw new RangeError(`ledger: cannot charge ${amount} ${kind}`);
    this.data[kind] += amount;
  }

  /** Adds `ms` to the wall time of `phase`. */
  addWallTime(phase: string, ms: number): void {
    this.data.wallTimeMs[phase] = (this.data.wallTimeMs[phase] ?? 0) + ms;
  }

  async time<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.addWallTime(phase, performance.now() - start);
    }
  }

  toJSON(): LedgerEntries {
    return { ...this.data, wallTimeMs: { ...this.data.wallTimeMs } };
  }
}
