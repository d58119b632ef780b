import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finishedRuns as completedRuns } from '../test-results';
import { tinyStudyConfig } from '../test-study';

const repo = path.resolve(__dirname, '..', '..', '..', '..');
const bin = path.join(repo, 'packages', 'cli', 'dist', 'bin.js');

// A real process, killed with SIGKILL mid-study, then resumed: nothing finished is lost or redone.
describe('prunebench run, killed and resumed', () => {
  beforeAll(() => {
    // The child runs the compiled CLI; tsc -b is incremental (a no-op after `npm run build`).
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', path.join(repo, 'packages', 'cli')], { stdio: 'inherit' });
  }, 240_000);

  it('keeps every finished run and completes the rest', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-kill-'));
    const out = path.join(root, 'results');
    const configFile = path.join(root, 'prunebench.config.json');
    fs.writeFileSync(configFile, JSON.stringify(tinyStudyConfig(out, { schedules: ['ft', 'lrw', 'slr', 'clr'] })));

    const child = spawn(process.execPath, [bin, 'run', '--config', configFile], { cwd: root, stdio: 'ignore' });
    const deadline = Date.now() + 180_000;
    while (completedRuns(out).size < 4) {
      if (Date.now() > deadline) throw new Error('the study did not finish 4 runs in time');
      if (child.exitCode !== null) throw new Error(`the study ended (code ${child.exitCode}) before it could be killed`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const before = completedRuns(out);
    expect(before.size).toBeGreaterThanOrEqual(4);
    expect(before.size).toBeLessThan(11); // 1 original + 2 prunes + 8 retrains: some were left

    const resumed = spawnSync(process.execPath, [bin, 'run', '--config', configFile], { cwd: root, encoding: 'utf8' });
    expect(resumed.stderr).not.toMatch(/Error/);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`Resuming: ${before.size} runs already finished are kept`));
    const after = completedRuns(out);
    expect(after.size).toBe(11);
    for (const [name, text] of before) expect(after.get(name)).toBe(text);
    fs.rmSync(root, { recursive: true, force: true });
  }, 300_000);
});
