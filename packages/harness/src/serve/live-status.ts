import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProgressSink, StudyEvent } from '../study/progress';
import { writeJsonAtomic } from '../util/atomic';

/** The file a running study keeps up to date for `prunebench serve`, in its results folder. */
export const LIVE_FILE = 'live.json';

/** Points of a run's loss curve kept (halved by dropping every other point when full). */
const MAX_POINTS = 400;
/** Progress is written at most this often (milliseconds); starts and ends at once. */
const WRITE_EVERY_MS = 1000;

export interface LiveRun {
  label: string;
  startedAt: string;
  step: number;
  totalSteps: number;
  epoch: number;
  imagesPerSecond: number;
  /** [step, training loss] while it trains, thinned to at most MAX_POINTS. */
  loss: Array<[number, number]>;
}

/** What live.json holds: the runs in flight, by job id, and whether the study process has ended. */
export interface LiveStatus {
  pid: number;
  updatedAt: string;
  ended: boolean;
  /** The last phase line the study printed (e.g. "Writing the summary and figures."). */
  phase: string;
  running: Record<string, LiveRun>;
}

/**
 * Keeps `<out>/live.json` up to date from a study's events: which runs are in flight and their
 * loss so far. Written atomically and at most once a second, so a reader never sees half a file
 * and a study never slows for it; `close()` marks the study ended.
 */
export function liveStatusWriter(out: string): { sink: ProgressSink; close(): void } {
  const file = path.join(out, LIVE_FILE);
  const status: LiveStatus = { pid: process.pid, updatedAt: new Date().toISOString(), ended: false, phase: '', running: {} };
  let lastWrite = 0;
  const write = (now = false) => {
    if (!now && Date.now() - lastWrite < WRITE_EVERY_MS) return;
    lastWrite = Date.now();
    status.updatedAt = new Date().toISOString();
    try {
      if (fs.existsSync(out)) writeJsonAtomic(file, status);
    } catch {
      // The live view is a convenience: a disk problem shows in the study itself.
    }
  };
  const sink = (event: StudyEvent) => {
    switch (event.type) {
      case 'phase':
        status.phase = event.message;
        write(true);
        break;
      case 'job-start':
        status.running[event.jobId] = { label: event.label, startedAt: new Date().toISOString(), step: 0, totalSteps: 0, epoch: 0, imagesPerSecond: 0, loss: [] };
        write(true);
        break;
      case 'job-progress': {
        const run = status.running[event.jobId];
        if (!run) break;
        Object.assign(run, { step: event.step, totalSteps: event.totalSteps, epoch: event.epoch, imagesPerSecond: event.imagesPerSecond });
        if (Number.isFinite(event.loss)) run.loss.push([event.step, event.loss]);
        if (run.loss.length > MAX_POINTS) run.loss = run.loss.filter((_, i) => i % 2 === 0 || i === run.loss.length - 1);
        write();
        break;
      }
      case 'job-end':
      case 'job-skipped':
        delete status.running[event.jobId];
        write(true);
        break;
    }
  };
  write(true);
  return {
    sink,
    close: () => {
      status.ended = true;
      status.running = {};
      write(true);
    },
  };
}
