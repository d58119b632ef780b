/**
 * The README's "Prune a model you already have" example, run as written: its shell block,
 * in a fresh folder (with the repository's `examples/` beside it, as from the repository).
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

  it('runs as written: trains a model, prunes it, prunes and fine-tunes it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-readme-prune-'));
    try {
      fs.symlinkSync(path.join(repo, 'examples'), path.join(dir, 'examples'));
      const shim = 'npx() { if [ "$1" = prunebench ]; then shift; node "$PRUNEBENCH_BIN" "$@"; else command npx "$@"; fi; }\n';
      const result = spawnSync('bash', ['-e', '-c', shim + readmeBlock('Prune a model you already have')], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, PRUNEBENCH_BIN: bin },
        timeout: 120_000,
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/trained LeNet-5 on 2000 Fashion-MNIST images/);

      const pruned = JSON.parse(fs.readFileSync(path.join(dir, 'my-model-pruned', 'pruning.json'), 'utf8'));
      expect(pruned.check.passed).toBe(true);
      expect(pruned.cost.reduction.macsPercent).toBeGreaterThan(50);
      for (const file of pruned.files) expect(fs.existsSync(path.join(dir, 'my-model-pruned', file))).toBe(true);

      const tuned = JSON.parse(fs.readFileSync(path.join(dir, 'my-model-finetuned', 'pruning.json'), 'utf8'));
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
