import type { RunRecord } from './record';
import { formatDuration as duration } from './cost-model';

/** What a study reports while it runs (also sent from worker threads to the main thread). */
export type StudyEvent =
  | { type: 'phase'; message: string }
  | { type: 'job-start'; jobId: string; label: string }
  | { type: 'job-progress'; jobId: string; step: number; totalSteps: number; epoch: number; imagesPerSecond: number; loss: number }
  | { type: 'job-end'; jobId: string; label: string; status: RunRecord['status']; summary: string; seconds: number }
  | { type: 'job-skipped'; jobId: string; label: string; reason: string };

export type ProgressSink = (event: StudyEvent) => void;

/** Trainer step progress as `job-progress` events, at most one a second and always the last step (they may cross a thread boundary). */
export function throttledStepProgress(onEvent: ProgressSink, jobId: string, totalSteps: number) {
  let last = 0;
  return (p: { step: number; epoch: number; imagesPerSecond: number; loss: number }) => {
    const now = performance.now();
    if (now - last < 1000 && p.step + 1 < totalSteps) return;
    last = now;
    onEvent({ type: 'job-progress', jobId, step: p.step + 1, totalSteps, epoch: p.epoch, imagesPerSecond: p.imagesPerSecond, loss: p.loss });
  };
}

const pad = (n: number, width: number) => String(n).padStart(width);

/** Where the ETA comes from: the cost model's (eta.ts), fed every event. */
export interface EtaSource {
  observe(event: StudyEvent): void;
  remainingSeconds(): number;
}

/**
 * Turns study events into output: on a terminal one redrawn status line per running job
 * (phase, run i/n, step rate, ETA); otherwise (CI, pipes) plain log lines, and per-job
 * progress at most every few seconds so logs stay readable.
 */
export function createProgressPrinter(options: {
  write: (text: string) => void;
  isTTY: boolean;
  totalJobs: number;
  alreadyDone: number;
  /** The ETA (the cost model's); without one, every run left is counted as long as the average run so far. */
  eta?: EtaSource;
  /**
   * Aborted to stop the study (Ctrl-C): on a terminal its reason (a message) is printed as a log
   * line, above the status lines, which would otherwise draw over a message printed beside them.
   */
  signal?: AbortSignal;
}): ProgressSink {
  const { write, isTTY, totalJobs } = options;
  let done = options.alreadyDone;
  const startedAt = Date.now();
  let finishedThisSession = 0;
  const running = new Map<string, { label: string; line: string; lastLog: number }>();
  const width = String(totalJobs).length;
  let drawn = 0;

  const eta = () => {
    if (options.eta) return duration(options.eta.remainingSeconds());
    if (!finishedThisSession) return '?';
    const perJob = (Date.now() - startedAt) / 1000 / finishedThisSession;
    return duration(perJob * (totalJobs - done));
  };
  const clear = () => {
    if (isTTY && drawn) write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = () => {
    if (!isTTY) return;
    const lines = [...running.values()].map((r) => r.line);
    lines.push(`[${pad(done, width)}/${totalJobs}] runs done, ETA ${eta()}`);
    const columns = process.stdout.columns || 120;
    write(lines.map((l) => l.slice(0, columns - 1)).join('\n') + '\n');
    drawn = lines.length;
  };
  const log = (line: string) => {
    clear();
    write(`${line}\n`);
    draw();
  };

  if (isTTY) {
    options.signal?.addEventListener('abort', () => {
      if (typeof options.signal?.reason === 'string') log(options.signal.reason);
    }, { once: true });
  }

  return (event) => {
    options.eta?.observe(event);
    switch (event.type) {
      case 'phase':
        log(event.message);
        break;
      case 'job-start':
        running.set(event.jobId, { label: event.label, line: `  ${event.label}: starting`, lastLog: Date.now() });
        log(`${' '.repeat(2 * width + 3)} start: ${event.label} (${event.jobId})`);
        break;
      case 'job-progress': {
        const entry = running.get(event.jobId);
        if (!entry) break;
        const percent = ((100 * event.step) / Math.max(1, event.totalSteps)).toFixed(0);
        entry.line = `  ${entry.label}: step ${event.step}/${event.totalSteps} (${percent}%), epoch ${event.epoch}, ${event.imagesPerSecond.toFixed(0)} img/s, loss ${event.loss.toFixed(3)}`;
        if (isTTY) {
          clear();
          draw();
        } else if (Date.now() - entry.lastLog > 10_000) {
          entry.lastLog = Date.now();
          write(`${entry.line.trim()}\n`);
        }
        break;
      }
      case 'job-end':
        running.delete(event.jobId);
        done++;
        finishedThisSession++;
        log(`[${pad(done, width)}/${totalJobs}] ${event.status === 'finished' ? 'done' : event.status.toUpperCase()}: ${event.label} — ${event.summary} (${duration(event.seconds)}; ETA ${eta()})`);
        break;
      case 'job-skipped':
        done++;
        log(`[${pad(done, width)}/${totalJobs}] SKIPPED: ${event.label} — ${event.reason}`);
        break;
    }
  };
}
