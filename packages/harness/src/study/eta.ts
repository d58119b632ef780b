import { simulateWallSeconds, type ScheduledRun } from './cost-model';
import type { StudyEvent } from './progress';

/** A run the ETA follows: its dependencies and the seconds the cost model predicts for it. */
export interface PredictedRun {
  id: string;
  deps: readonly string[];
  seconds: number;
}

/** The calibration counts as this share of the study's predicted seconds already measured. */
const PRIOR_SHARE = 0.02;

/** Below this share of its training, a run's own pace says little (warm-up, first batches). */
const MIN_FRACTION = 0.05;

/**
 * The live ETA: the cost model's prediction for every run left, scaled by how fast this machine
 * really goes — the ratio of measured to predicted seconds over the runs finished and the part
 * of the runs in flight already trained — and laid out on the study's runners with their
 * dependencies (simulateWallSeconds). The ratio starts at 1, worth 2% of the study's predicted
 * time, so the ETA moves off the calibration as soon as the first run is under way.
 */
export class StudyEta {
  private readonly predicted = new Map<string, PredictedRun>();
  private readonly done = new Set<string>();
  private readonly inFlight = new Map<string, { startedAt: number; fraction: number }>();
  private measuredSeconds = 0;
  private predictedSeconds = 0;
  private readonly prior: number;
  /** The most runs seen in flight at once: the runners of a queue, whose workers this process does not know. */
  private mostInFlight = 0;

  constructor(
    private readonly runs: readonly PredictedRun[],
    /** Runs that go at once; `observed`: as many as have been seen in flight at once (a queue's workers). */
    private readonly runners: number | 'observed',
    alreadyDone: Iterable<string>,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    for (const run of runs) this.predicted.set(run.id, run);
    for (const id of alreadyDone) this.done.add(id);
    this.prior = Math.max(1e-3, PRIOR_SHARE * runs.reduce((sum, r) => sum + r.seconds, 0));
  }

  observe(event: StudyEvent): void {
    switch (event.type) {
      case 'job-start':
        this.inFlight.set(event.jobId, { startedAt: this.now(), fraction: 0 });
        this.mostInFlight = Math.max(this.mostInFlight, this.inFlight.size);
        break;
      case 'job-progress': {
        const entry = this.inFlight.get(event.jobId);
        if (entry) entry.fraction = event.step / Math.max(1, event.totalSteps);
        break;
      }
      case 'job-end': {
        const run = this.predicted.get(event.jobId);
        this.inFlight.delete(event.jobId);
        this.done.add(event.jobId);
        if (run && run.seconds > 0) {
          this.measuredSeconds += event.seconds;
          this.predictedSeconds += run.seconds;
        }
        break;
      }
      case 'job-skipped':
        this.inFlight.delete(event.jobId);
        this.done.add(event.jobId);
        break;
    }
  }

  /** Measured ÷ predicted seconds so far (1 before anything is measured). */
  scale(): number {
    let measured = this.measuredSeconds + this.prior;
    let predicted = this.predictedSeconds + this.prior;
    const now = this.now();
    for (const [id, entry] of this.inFlight) {
      const run = this.predicted.get(id);
      if (!run || entry.fraction < MIN_FRACTION) continue;
      measured += now - entry.startedAt;
      predicted += run.seconds * entry.fraction;
    }
    return measured / predicted;
  }

  /** Wall-clock seconds until every run has ended. */
  remainingSeconds(): number {
    const scale = this.scale();
    const now = this.now();
    const left: ScheduledRun[] = [];
    for (const [id, entry] of this.inFlight) {
      const run = this.predicted.get(id);
      if (run) left.push({ id, deps: [], seconds: Math.max(0, run.seconds * scale - (now - entry.startedAt)) });
    }
    for (const run of this.runs) {
      if (this.done.has(run.id) || this.inFlight.has(run.id)) continue;
      left.push({ id: run.id, deps: run.deps.filter((d) => !this.done.has(d)), seconds: run.seconds * scale });
    }
    return simulateWallSeconds(left, this.runners === 'observed' ? Math.max(1, this.mostInFlight) : this.runners);
  }
}
