// Fault injection on real processes (the compiled CLI): SIGKILL at several moments, a second
// `run` on a folder in use, SIGTERM. Resumes must equal an uninterrupted run, and no finished
// run may be lost or redone.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
    expect(first.output()).toMatch(/SIGTERM: stopping after the runs in flight/);
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
