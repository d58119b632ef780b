import * as fs from 'node:fs';
import * as path from 'node:path';
import { studyKey } from '../queue/queued-job';
import { analyzeStudy } from '../report/analysis';
import { accuracyVsBudgetSpec, styleScales } from '../report/figures';
import { describeJob, expandStudy } from '../study/jobs';
import type { RunRecord } from '../study/record';
import { ResultStore } from '../study/store';
import { readStudyFile } from '../study/study-folder';
import { LIVE_FILE, type LiveStatus } from './live-status';

/** One run as the live page shows it. */
export interface RunView {
  id: string;
  kind: string;
  label: string;
  /** A record's status, `running` while live.json has it in flight, else `waiting`. */
  status: string;
  step?: number;
  totalSteps?: number;
  epoch?: number;
  loss?: Array<[number, number]>;
  /** Test top-1 of a finished run (a fraction). */
  top1?: number;
}

export interface CellView {
  pruner: string;
  schedule: string;
  budget: number;
  n: number;
  mean: number;
  std: number;
  ci95: number;
}

/** A study under the served folders, as the page draws it. */
export interface StudyView {
  /** Its folder, relative to the served folder it was found under. */
  key: string;
  dir: string;
  title: string;
  /** running: its process writes live.json; stopped: it ended with runs left; done: every run ended. */
  state: 'running' | 'stopped' | 'done';
  phase: string;
  counts: { total: number; ended: number; finished: number; failed: number; running: number; waiting: number };
  runs: RunView[];
  reference: string;
  cells: CellView[];
  /** Figure 2 as a Vega-Lite spec with tooltips naming each seed's run, for vega-embed; null before any result. */
  figure: unknown;
  /** The study's queue status when the server follows a Redis queue. */
  queue?: { queued: number; running: number; done: number; failed: number };
}

const DEPTH = 4;

/** Every folder holding a study.json under `roots` (the roots themselves included), at most DEPTH levels down. */
export function findStudies(roots: readonly string[]): Array<{ root: string; dir: string }> {
  const found: Array<{ root: string; dir: string }> = [];
  const walk = (root: string, dir: string, depth: number) => {
    if (fs.existsSync(path.join(dir, 'study.json'))) {
      found.push({ root, dir });
      return; // a study's own folders (runs/, figures/) hold no other study
    }
    if (depth >= DEPTH) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') walk(root, path.join(dir, entry.name), depth + 1);
  };
  for (const root of roots) walk(root, root, 0);
  return found;
}

function readLive(dir: string): LiveStatus | undefined {
  try {
    const live = JSON.parse(fs.readFileSync(path.join(dir, LIVE_FILE), 'utf8')) as LiveStatus;
    return live.ended || !processAlive(live.pid) ? { ...live, ended: true, running: {} } : live;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The page's view of one study folder: its runs' states, the results so far and Figure 2, and
 * `queueOf`'s counts for the study (found by its key, from the `out` its coordinator queued it
 * under: the same on a machine that mounts the results folder elsewhere).
 */
export function studyView(root: string, dir: string, queueOf?: (key: string) => StudyView['queue']): StudyView | undefined {
  let file;
  try {
    file = readStudyFile(dir);
  } catch {
    return undefined; // a damaged study.json: `prunebench run` says what to do
  }
  if (!file) return undefined;
  const store = new ResultStore(dir);
  const live = readLive(dir);
  const labels = new Map<string, string>();
  try {
    for (const job of expandStudy(file.study)) labels.set(job.id, describeJob(job));
  } catch {
    // a definition this version cannot expand: ids and kinds only
  }
  const records: RunRecord[] = [];
  const runs: RunView[] = file.jobs.map((job) => {
    const record = store.read(job.id);
    const inFlight = live?.running[job.id];
    const label = labels.get(job.id) ?? inFlight?.label ?? `${job.kind} ${job.id}`;
    if (record && record.status !== 'failed' && record.status !== undefined && record.finishedAt) records.push(record);
    if (inFlight && !record?.finishedAt) {
      return { id: job.id, kind: job.kind, label, status: 'running', step: inFlight.step, totalSteps: inFlight.totalSteps, epoch: inFlight.epoch, loss: inFlight.loss };
    }
    if (record) return { id: job.id, kind: job.kind, label, status: record.status, ...(typeof record.metrics?.test?.top1 === 'number' ? { top1: record.metrics.test.top1 } : {}) };
    return { id: job.id, kind: job.kind, label, status: 'waiting' };
  });
  const count = (...statuses: string[]) => runs.filter((r) => statuses.includes(r.status)).length;
  const waiting = count('waiting');
  const running = count('running');
  const analysis = analyzeStudy(records, file.study);
  const hasResults = analysis.cells.some((c) => c.top1.n > 0);
  const queued = queueOf?.(studyKey(file.study));
  return {
    key: path.relative(path.dirname(root), dir) || path.basename(dir),
    dir,
    title: file.configFile ? path.basename(file.configFile) : 'quick study',
    state: live && !live.ended ? 'running' : waiting + running > 0 ? 'stopped' : 'done',
    phase: live && !live.ended ? live.phase : '',
    counts: { total: runs.length, ended: runs.length - waiting - running, finished: count('finished'), failed: count('failed', 'diverged', 'not-run'), running, waiting },
    runs,
    reference: analysis.reference,
    cells: analysis.cells.filter((c) => c.top1.n > 0).map((c) => ({ pruner: c.pruner, schedule: c.schedule, budget: c.budget, n: c.top1.n, mean: c.top1.mean, std: c.top1.std, ci95: c.top1.ci95 })),
    figure: hasResults ? interactive(accuracyVsBudgetSpec(analysis, styleScales(analysis)), records) : null,
    ...(queued ? { queue: queued } : {}),
  };
}

/**
 * Figure 2 for the browser: each seed's dot names its run on hover (vega-embed's tooltip), the
 * means their cell. The static report's spec, with tooltips and run ids added.
 */
function interactive(spec: unknown, records: readonly RunRecord[]): unknown {
  const copy = JSON.parse(JSON.stringify(spec)) as { data: { values: Array<Record<string, unknown>> }; spec: { layer: Array<{ transform?: Array<{ filter?: string }>; encoding: Record<string, unknown> }> } };
  for (const value of copy.data.values) {
    if (value.kind !== 'seed') continue;
    const run = records.find((r) => r.kind === 'retrain' && r.pruner === value.pruner && r.schedule === value.schedule && r.budget === value.budget && Math.abs(100 * (r.metrics?.test?.top1 ?? NaN) - (value.top1 as number)) < 1e-9);
    if (run) Object.assign(value, { run: run.id, seed: run.seed });
  }
  for (const layer of copy.spec.layer) {
    const filter = layer.transform?.[0]?.filter ?? '';
    if (filter.includes("'seed'")) {
      layer.encoding.tooltip = [{ field: 'run' }, { field: 'seed' }, { field: 'pruner' }, { field: 'schedule' }, { field: 'budget', title: 'budget (epochs)' }, { field: 'top1', title: 'test top-1 (%)', format: '.2f' }];
    } else if (filter === "datum.kind === 'cell'") {
      layer.encoding.tooltip = [{ field: 'pruner' }, { field: 'schedule' }, { field: 'budget', title: 'budget (epochs)' }, { field: 'mean', title: 'mean test top-1 (%)', format: '.2f' }];
    }
  }
  return copy;
}
