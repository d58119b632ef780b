// Fault injection on real processes (the compiled CLI): SIGKILL at several moments, a second
// `run` on a folder in use, SIGTERM. Resumes must equal an uninterrupted run, and no finished
// run may be lost or redone.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compiledFaultPlugin } from '../test-fault-plugin-js';
import { finishedRuns as finished } from '../test-results';
import { tinyStudyConfig } from '../test-study';

const repo = path.resolve(__dirname, '..', '..', '..', '..');
const bin = path.join(repo, 'packages', 'cli', 'dist', 'bin.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-faults-process-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

beforeAll(() => {
  // The children run the compiled CLI; tsc -b is incremental (a no-op after `npm run build`).
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', path.join(repo, 'packages', 'cli')], { stdio: 'inherit' });
}, 240_000);

function study(name: string, overrides: Record<string, unknown> = {}) {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, 'results');
  const configFile = path.join(dir, 'prunebench.config.json');
  fs.writeFileSync(configFile, JSON.stringify(tinyStudyConfig(out, overrides)));
  return { dir, out, configFile };
}

/** What an interrupted-and-resumed study must share with an uninterrupted one. */
function outcome(out: string) {
  return Object.fromEntries(
    [...finished(out)].map(([id, text]) => {
      const r = JSON.parse(text);
      const { 'history.csv': _timings, 'model/checkpoint.json': _savedAt, ...artifacts } = r.artifacts;
      return [id, { top1: r.metrics.test.top1, ledger: [r.ledger.optimizerSteps, r.ledger.samples], artifacts }];
    }),
  );
}

function start(configFile: string, cwd: string): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [bin, 'run', '--config', configFile], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  return Object.assign(child, { output: () => text });
}

async function waitFor(child: ChildProcess, what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    if (child.exitCode !== null) throw new Error(`the study ended (code ${child.exitCode}) before: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe('prunebench run, killed with SIGKILL at several moments', () => {
  it('resumes each time, loses and redoes no finished run, and ends equal to an uninterrupted run', async () => {
    const reference = study('reference');
    const uninterrupted = spawnSync(process.execPath, [bin, 'run', '--config', reference.configFile], { cwd: reference.dir, encoding: 'utf8' });
    expect(uninterrupted.status).toBe(0);

    const { dir, out, configFile } = study('killed');
    const moments: Array<[string, () => boolean]> = [
      ['the original is training (nothing finished yet)', () => fs.existsSync(path.join(out, 'study.json'))],
      ['two runs finished', () => finished(out).size >= 2],
      ['five runs finished', () => finished(out).size >= 5],
    ];
    let kept = new Map<string, string>();
    for (const [moment, reached] of moments) {
      const child = start(configFile, dir);
      await waitFor(child, moment, reached);
      child.kill('SIGKILL');
      await exited(child);
      expect(child.output()).not.toMatch(/in use by another prunebench run/); // the dead owner's lock was taken over
      const now = finished(out);
      for (const [id, text] of kept) expect(now.get(id)).toBe(text);
      kept = now;
    }
    expect(kept.size).toBeLessThan(7);
    const resumed = spawnSync(process.execPath, [bin, 'run', '--config', configFile], { cwd: dir, encoding: 'utf8' });
    expect(resumed.stderr).not.toMatch(/Error/);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`Resuming: ${kept.size} runs already finished are kept`));
    const after = finished(out);
    for (const [id, text] of kept) expect(after.get(id)).toBe(text);
    expect(outcome(out)).toEqual(outcome(reference.out));
    expect(fs.readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 240_000);
});

describe('one process per results folder, and SIGTERM', () => {
  it('a second run on a folder in use says who holds it (exit 2); SIGTERM stops the first gracefully', async () => {
    // 1 original, 2 prunes, 2 pruners × 2 schedules × 2 budgets = 11 runs.
    const { dir, out, configFile } = study('locked', { budgets: [1, 2] });
    const first = start(configFile, dir);
    await waitFor(first, 'the lock is taken', () => fs.existsSync(path.join(out, '.prunebench.lock.json')));

    const second = start(configFile, dir);
    expect(await exited(second)).toBe(2);
    expect(second.output()).toMatch(new RegExp(`results folder ${out} is in use by another prunebench run \\(pid ${first.pid} on ${os.hostname()}, since \\d{4}-`));
    expect(second.output()).not.toMatch(/\n\s+at /);

    await waitFor(first, 'a run finished', () => finished(out).size >= 1);
    first.kill('SIGTERM');
    expect(await exited(first)).toBe(1);
    expect(first.output()).toMatch(/SIGTERM: stopping: the runs in flight get up to 30 s to end, then are abandoned/);
    expect(first.output()).toMatch(/stopped before every run finished: run the same command again to resume/);
    expect(fs.existsSync(path.join(out, '.prunebench.lock'))).toBe(false);
    const before = finished(out);
    expect(before.size).toBeLessThan(11);

    const resumed = spawnSync(process.execPath, [bin, 'run', '--config', configFile], { cwd: dir, encoding: 'utf8' });
    expect(resumed.status).toBe(0);
    const after = finished(out);
    expect(after.size).toBe(11);
    for (const [id, text] of before) expect(after.get(id)).toBe(text);
  }, 240_000);
});

describe('runs end, and so does the process', () => {
  let faultPlugin = '';
  beforeAll(() => (faultPlugin = compiledFaultPlugin(root)));
  const faulty = (name: string, criteria: string[], extra: Record<string, unknown> = {}) =>
    study(name, {
      plugins: [faultPlugin],
      pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }, ...criteria.map((use) => ({ use, plan: { use: 'uniform', ratio: 0.5 } }))],
      schedules: ['ft'],
      ...extra,
    });
  // A test that fails leaves no study running behind it.
  const children: ChildProcess[] = [];
  const launch = (configFile: string, cwd: string) => {
    const child = start(configFile, cwd);
    children.push(child);
    return child;
  };
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const lockLeft = (out: string) => fs.existsSync(path.join(out, '.prunebench.lock')) || fs.existsSync(path.join(out, '.prunebench.lock.json'));

  it('--workers 2, a criterion that never returns: its thread is stopped, the rest finishes, exit 1, no lock', async () => {
    const { dir, out, configFile } = faulty('hung-workers', ['fault-hang'], { workers: 2, stallSeconds: 10 });
    const child = launch(configFile, dir);
    const code = await exited(child);
    expect(code).toBe(1);
    const records = [...fs.readdirSync(path.join(out, 'runs'))].map((id) => JSON.parse(fs.readFileSync(path.join(out, 'runs', id, 'run.json'), 'utf8')));
    expect(records.filter((r) => /^RunStalledError: stalled: no progress for 10 s/.test(r.error ?? '')).map((r) => r.pruner)).toEqual(['fault-hang/uniform']);
    expect(records.filter((r) => r.status === 'finished')).toHaveLength(3);
    expect(child.output()).toMatch(/run\(s\) failed/);
    expect(lockLeft(out)).toBe(false);
  }, 240_000);

  it('SIGTERM while a run hangs: the run is abandoned within the bound, exit 1, no lock; a second signal exits at once, no lock', async () => {
    // stallSeconds 20: a stop gives runs in flight min(30 s, 20 / 2) = 10 s.
    const first = faulty('hung-sigterm', ['fault-hang'], { stallSeconds: 20 });
    const child = launch(first.configFile, first.dir);
    await waitFor(child, 'the hung prune starts', () => /prune fault-hang/.test(child.output()));
    child.kill('SIGTERM');
    const stoppedAt = Date.now();
    expect(await exited(child)).toBe(1);
    expect(Date.now() - stoppedAt).toBeLessThan(40_000); // the bound (10 s) plus the report
    const hung = fs.readdirSync(path.join(first.out, 'runs')).map((id) => JSON.parse(fs.readFileSync(path.join(first.out, 'runs', id, 'run.json'), 'utf8'))).find((r) => r.pruner === 'fault-hang/uniform' && r.kind === 'prune');
    expect(hung.error).toBe('RunAbandonedError: abandoned: the study was stopped and this run did not end within 10 s');
    expect(lockLeft(first.out)).toBe(false);

    const second = faulty('hung-sigterm-twice', ['fault-hang'], { stallSeconds: 20 });
    const again = launch(second.configFile, second.dir);
    await waitFor(again, 'the hung prune starts', () => /prune fault-hang/.test(again.output()));
    again.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    again.kill('SIGTERM');
    expect(await exited(again)).toBe(143);
    expect(lockLeft(second.out)).toBe(false);
  }, 240_000);
});
