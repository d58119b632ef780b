/**
 * The README's "Prune a model you already have" example, run as written: its shell block,
 * from the repository's root, as the README says; what it writes must land outside the repository.
 * `npx prunebench` is the built CLI here: on a fresh clone `npm ci` runs before `dist/bin.js`
 * exists, so npm links no `prunebench` command (a known problem with its own fix); the shell
 * function below stands in for that link and nothing else.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..', '..', '..');
const bin = path.join(repo, 'packages', 'cli', 'dist', 'bin.js');

function readmeBlock(heading: string): string {
  const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
  const start = readme.indexOf(`## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!block) throw new Error(`the "${heading}" section has no sh block`);
  return block[1];
}

describe('README: Prune a model you already have', () => {
  beforeAll(() => {
    // The example runs the compiled packages; tsc -b is incremental (a no-op after `npm run build`).
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', path.join(repo, 'packages', 'cli')], { stdio: 'inherit' });
  }, 240_000);

  it('runs as written from the repository, and leaves nothing behind in it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-readme-prune-'));
    const untracked = () => execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo, encoding: 'utf8' });
    const before = untracked();
    try {
      const shim = 'npx() { if [ "$1" = prunebench ]; then shift; node "$PRUNEBENCH_BIN" "$@"; else command npx "$@"; fi; }\n';
      // TMPDIR: where `mktemp -d` puts the models, so the test finds (and removes) them.
      const result = spawnSync('bash', ['-e', '-c', shim + readmeBlock('Prune a model you already have')], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, PRUNEBENCH_BIN: bin, TMPDIR: dir },
        timeout: 120_000,
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/trained LeNet-5 on 2000 Fashion-MNIST images/);
      expect(untracked()).toBe(before);
      const [work] = fs.readdirSync(dir).map((name) => path.join(dir, name));

      const pruned = JSON.parse(fs.readFileSync(path.join(work, 'my-model-pruned', 'pruning.json'), 'utf8'));
      expect(pruned.check.passed).toBe(true);
      expect(pruned.cost.reduction.macsPercent).toBeGreaterThan(50);
      for (const file of pruned.files) expect(fs.existsSync(path.join(work, 'my-model-pruned', file))).toBe(true);

      const tuned = JSON.parse(fs.readFileSync(path.join(work, 'my-model-finetuned', 'pruning.json'), 'utf8'));
      expect(tuned.finetune).toMatchObject({ status: 'completed', epochs: 2, schedule: { use: 'clr' } });
      expect(tuned.ledger.optimizerSteps).toBe(2 * Math.floor(2000 / 64));
      // Ten classes: well above chance after fine-tuning.
      expect(tuned.finetune.after.test.top1).toBeGreaterThan(0.3);
      expect(result.stdout).toMatch(/test top-1: original [\d.]+%, pruned [\d.]+%, fine-tuned [\d.]+%/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
