import type { StudyDefinition } from './definition';

/**
 * The cost model behind `run --dry-run`'s estimate and the live ETA: a run's time is its
 * multiply-accumulates per example × the examples it trains and evaluates on, turned into
 * seconds by a speed measured on the study's backend (calibrate.ts). Each job kind says its work
 * (`work` in kinds/*.ts). Weighting runs by their
 * work, not equally, is what makes an ETA right before most runs have finished: a pruned
 * network retrains several times faster per example than its original trains.
 */

/** The work of one run: examples trained on and examples only run forward, on a network of `macs`. */
export interface RunWork {
  trainExamples: number;
  forwardExamples: number;
  /** Multiply-accumulates of one forward pass of one example through the network it trains. */
  macs: number;
}

/** What the work of a study's runs depends on beyond its definition: split sizes and the networks' MACs. */
export interface StudyShape {
  /** Examples one epoch trains on (S × B with dropLast, else the whole train split). */
  examplesPerEpoch: number;
  /** Examples evaluated after training (test + validation). */
  evaluatedExamples: number;
  originalMacs: number;
  /** MACs after pruning, by pruner label (as the jobs name them). A pruner missing here keeps the original's. */
  prunedMacs: Record<string, number>;
}

/** Forward passes of the latency measurement after a run (execution.ts: 6 passes at batch 1 and at 64). */
const LATENCY_EXAMPLES = 6 * (1 + 64);

/** Examples `epochs` epochs train on. */
export function epochExamples(shape: StudyShape, epochs: number): number {
  return epochs * shape.examplesPerEpoch;
}

/** Examples a finished run passes forward only: evaluation and the latency measurement. */
export function forwardExamples(shape: StudyShape): number {
  return shape.evaluatedExamples + LATENCY_EXAMPLES;
}

/** MACs of a pruner's pruned network (the original's when the calibration did not prune with it). */
export function prunedMacs(shape: StudyShape, prunerLabel: string): number {
  return shape.prunedMacs[prunerLabel] ?? shape.originalMacs;
}

/**
 * Seconds per example on one thread, as a line in the network's MACs: a training step costs
 * `perExample + perMac × macs` per example (a fixed part — data, kernel launches, optimizer — and
 * a part that grows with the arithmetic), a forward pass `forwardFraction` of that; each run
 * adds `perRun` (building, loading and saving models).
 */
export interface Speed {
  perExample: number;
  perMac: number;
  forwardFraction: number;
  perRun: number;
}

/** Predicted seconds of one run on one thread. */
export function predictSeconds(work: RunWork, speed: Speed): number {
  const perExample = speed.perExample + speed.perMac * work.macs;
  return speed.perRun + perExample * (work.trainExamples + speed.forwardFraction * work.forwardExamples);
}

/**
 * The speed line through two measured training steps (seconds per example at two MACs): with a
 * single network size (or two that measured the wrong way round, noise) all of the time is put
 * on the MACs, proportionally.
 */
export function speedFromMeasurements(points: ReadonlyArray<{ macs: number; secondsPerExample: number }>, forwardFraction: number, perRun: number): Speed {
  const sorted = [...points].sort((a, b) => a.macs - b.macs);
  const small = sorted[0];
  const large = sorted[sorted.length - 1];
  if (!small || !large) throw new Error('speedFromMeasurements: no measurement');
  if (large.macs > small.macs * 1.05 && large.secondsPerExample > small.secondsPerExample) {
    const perMac = (large.secondsPerExample - small.secondsPerExample) / (large.macs - small.macs);
    return { perExample: small.secondsPerExample - perMac * small.macs, perMac, forwardFraction, perRun };
  }
  return { perExample: 0, perMac: large.secondsPerExample / Math.max(1, large.macs), forwardFraction, perRun };
}

export interface ScheduledRun {
  id: string;
  deps: readonly string[];
  /** Seconds of work left. */
  seconds: number;
}

/**
 * Wall time of the runs left, as the study's scheduler hands them out: each run starts on a
 * free runner once its dependencies have finished, in the order given (runJobs' order). Runs in
 * flight are given first, with the seconds they have left. Dependencies not among `runs` are done.
 */
export function simulateWallSeconds(runs: readonly ScheduledRun[], runners: number): number {
  const ids = new Set(runs.map((r) => r.id));
  const finishAt = new Map<string, number>();
  const free: number[] = Array.from({ length: Math.max(1, runners) }, () => 0);
  const pending = [...runs];
  let now = 0;
  while (pending.length) {
    // The earliest a runner is free, and the first pending run whose dependencies are done by then.
    free.sort((a, b) => a - b);
    now = Math.max(now, free[0]);
    const readyAt = (run: ScheduledRun) => Math.max(0, ...run.deps.filter((d) => ids.has(d)).map((d) => finishAt.get(d) ?? Infinity));
    let index = pending.findIndex((run) => readyAt(run) <= now);
    if (index < 0) {
      // Nothing can start now: wait for the next run to finish.
      const next = Math.min(...pending.map(readyAt));
      if (!Number.isFinite(next)) break; // a dependency that never runs (cannot happen for a study's jobs)
      now = next;
      index = pending.findIndex((run) => readyAt(run) <= now);
    }
    const [run] = pending.splice(index, 1);
    const end = now + run.seconds;
    finishAt.set(run.id, end);
    free[0] = end;
  }
  return Math.max(0, ...finishAt.values());
}

/** `1h02m`, `3m07s`, `42s`: a duration for progress lines. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
