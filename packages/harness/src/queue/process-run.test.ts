import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PluginNotFoundError } from '@prunebench/core';
import { openStudy } from '../study/environment';
import { expandStudy } from '../study/jobs';
import type { RunRecord } from '../study/record';
import { ResultStore } from '../study/store';
import { PluginsUnavailableError, processQueuedRun, RunFailedError } from './process-run';
import { queueEntry, queueJobId, studyKey, type QueueEntry, type StudyTag } from './queued-job';

// Built-in plugins as the CLI wires them, loaded from their TypeScript sources under jest.
const BUILTINS = ['schedules', 'pruners', 'models', 'datasets'].map((name) => path.join(__dirname, '..', '..', '..', name, 'src', 'index.ts'));

async function tinyStudy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-queue-'));
  const file = path.join(dir, 'prunebench.config.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      dataset: { use: 'synthetic', trainSize: 64, testSize: 32 },
      model: 'lenet5',
      original: { epochs: 1, lr: 0.01, milestones: [], gamma: 0.1, batchSize: 32 },
      pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }, { use: 'random', plan: { use: 'uniform', ratio: 0.5 } }],
      schedules: ['ft'],
      budgets: [1],
      backend: 'wasm',
      out: 'results',
    }),
  );
  const { study } = await openStudy({ configFile: file, dir, builtinModules: BUILTINS, overrides: {} });
  const jobs = expandStudy(study);
  const tag: StudyTag = { key: studyKey(study), out: study.out, totalJobs: jobs.length };
  return { study, jobs, tag, store: new ResultStore(study.out) };
}

function finishedRecord(id: string, kind: RunRecord['kind']): RunRecord {
  const now = new Date().toISOString();
  return { id, kind, status: 'finished', seed: 0, definition: {}, configFile: null, versions: { prunebench: '0', tfjs: '0', backend: 'wasm' }, startedAt: now, finishedAt: now };
}

describe('processing a queued run', () => {
  it('refuses a study naming a plugin this worker lacks, with what to install, and runs nothing', async () => {
    const { study, jobs, tag, store } = await tinyStudy();
    const definition = structuredClone(study);
    definition.plugins.push({ name: 'prunebench-plugin-absent', version: '1.2.0', module: 'prunebench-plugin-absent' });
    const enqueued: QueueEntry[] = [];
    const data = queueEntry(tag, definition, jobs[0]).data;
    const ctx = { report: () => {}, enqueue: async (entries: QueueEntry[]) => void enqueued.push(...entries) };
    // Not the run's failure (a worker that has the plugin can run it): the processor hands it back.
    const refused = processQueuedRun(data, ctx);
    await expect(refused).rejects.toThrow(PluginsUnavailableError);
    await refused.catch((error: Error) => expect(error.cause).toBeInstanceOf(PluginNotFoundError));
    await expect(processQueuedRun(data, ctx)).rejects.toThrow(/prunebench-plugin-absent"@1\.2\.0.*Install it where this worker runs/);
    expect(enqueued).toEqual([]);
    expect(store.read(jobs[0].id)).toBeUndefined();
  });

  it('does not redo a run already complete (a retry after a crash) and adds the runs that wait for it', async () => {
    const { study, jobs, tag, store } = await tinyStudy();
    const original = jobs[0];
    store.write(finishedRecord(original.id, 'original'));
    const before = fs.readFileSync(path.join(store.runDir(original.id), 'run.json'), 'utf8');
    const enqueued: QueueEntry[] = [];
    const result = await processQueuedRun(queueEntry(tag, study, original).data, {
      report: () => {},
      enqueue: async (entries) => void enqueued.push(...entries),
    });
    expect(result).toEqual({ status: 'finished', alreadyComplete: true });
    expect(fs.readFileSync(path.join(store.runDir(original.id), 'run.json'), 'utf8')).toBe(before);
    const prunes = jobs.filter((j) => j.kind === 'prune');
    expect(prunes).toHaveLength(2);
    expect(enqueued.map((e) => e.opts.jobId)).toEqual(prunes.map((p) => queueJobId(tag.key, p.id)));
    expect(enqueued.every((e) => e.data.definition === study && e.opts.attempts === 2)).toBe(true);
  });

  it('fails a run whose dependency is not finished in the results folder (an unshared folder)', async () => {
    const { study, jobs, tag } = await tinyStudy();
    const prune = jobs.find((j) => j.kind === 'prune')!;
    const run = processQueuedRun(queueEntry(tag, study, prune).data, { report: () => {}, enqueue: async () => {} });
    await expect(run).rejects.toThrow(RunFailedError);
    await expect(processQueuedRun(queueEntry(tag, study, prune).data, { report: () => {}, enqueue: async () => {} })).rejects.toThrow(/shared filesystem/);
  });
});

describe('queue job ids', () => {
  it('are the study key and the run id, the same on every call', async () => {
    const a = await tinyStudy();
    const b = await tinyStudy();
    // Different results folders: different studies. The run ids themselves do not depend on the folder.
    expect(a.tag.key).not.toBe(b.tag.key);
    expect(a.jobs.map((j) => j.id)).toEqual(b.jobs.map((j) => j.id));
    expect(studyKey(a.study)).toBe(a.tag.key);
    expect(queueEntry(a.tag, a.study, a.jobs[1]).opts.jobId).toBe(`${a.tag.key}.${a.jobs[1].id}`);
    expect(queueJobId(a.tag.key, a.jobs[1].id)).not.toContain(':');
  });
});
