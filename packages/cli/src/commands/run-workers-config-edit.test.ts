import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tinyStudyConfig } from '../test-study';

const repo = path.resolve(__dirname, '..', '..', '..', '..');
const bin = path.join(repo, 'packages', 'cli', 'dist', 'bin.js');

function finishedRuns(out: string): Array<{ id: string; kind: string; schedule?: string; budget?: number; definition: Record<string, unknown> }> {
  const dir = path.join(out, 'runs');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name, 'run.json');
    if (!fs.existsSync(file)) return [];
    const record = JSON.parse(fs.readFileSync(file, 'utf8'));
    return record.status === 'finished' ? [record] : [];
  });
}

// The compiled CLI in a real process with two worker threads; the config file is overwritten
// (with another study, then with garbage) while the study runs: the workers run the definition
// the main thread resolved at the start, and nothing they store describes the edit.
describe('prunebench run --workers 2, config edited mid-study', () => {
  beforeAll(() => {
    // The child runs the compiled CLI and worker; tsc -b is incremental (a no-op after `npm run build`).
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', path.join(repo, 'packages', 'cli')], { stdio: 'inherit' });
  }, 240_000);

  it('finishes the study as it was defined at the start', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-edit-'));
    const out = path.join(root, 'results');
    const configFile = path.join(root, 'prunebench.config.json');
    const config = tinyStudyConfig(out, { workers: 2 });
    fs.writeFileSync(configFile, JSON.stringify(config));

    const child = spawn(process.execPath, [bin, 'run', '--config', configFile], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 180_000;
    while (finishedRuns(out).length < 1) {
      if (Date.now() > deadline) throw new Error('the study did not finish a run in time');
      if (child.exitCode !== null) throw new Error(`the study ended (code ${child.exitCode}) before the config could be edited`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Mid-study: another model, recipe, schedules and budget; then a file no parser accepts.
    fs.writeFileSync(configFile, JSON.stringify({ ...config, model: 'lenet5', original: { ...config.original, lr: 0.5 }, schedules: ['slr'], budgets: [2] }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    fs.writeFileSync(configFile, '{ this is not a config');
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/Error/);
    expect(stdout).toMatch(/in 2 worker threads/);

    const runs = finishedRuns(out);
    expect(runs).toHaveLength(7); // 1 original + 2 prunes + 2 schedules × 1 budget × 2 prunes
    const original = runs.find((r) => r.kind === 'original')!;
    expect(original.definition).toEqual(expect.objectContaining({ model: { id: 'vgg-small', options: {} }, original: expect.objectContaining({ lr: 0.05 }) }));
    const retrains = runs.filter((r) => r.kind === 'retrain');
    expect(retrains.map((r) => r.schedule).sort()).toEqual(['clr', 'clr', 'ft', 'ft']);
    expect(retrains.every((r) => r.budget === 1)).toBe(true);

    // The runs are the start definition's: with that config back, all are found finished.
    fs.writeFileSync(configFile, JSON.stringify(config));
    const resumed = spawnSync(process.execPath, [bin, 'run', '--config', configFile], { cwd: root, encoding: 'utf8' });
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(/Resuming: 7 runs already finished are kept/);
    fs.rmSync(root, { recursive: true, force: true });
  }, 300_000);
});
