/**
 * The quick `prunebench` command lines of the README and the docs (init, schedule, inspect: no
 * training, no queue, nothing left behind), run as written in a fresh folder through the built
 * CLI. A line with a placeholder (NAME, FILE, $VAR) is a synopsis, not an example, and is left
 * out; the walk-throughs that train have their own tests (readme-prune, the plugin guide's).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../test-docs';

const bin = path.join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
const QUICK = ['init', 'schedule', 'inspect'];

function commandLines(): Array<{ where: string; line: string }> {
  const files = [path.join(ROOT, 'README.md'), ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join(ROOT, 'docs', f)), ...fs.readdirSync(path.join(ROOT, 'packages')).map((p) => path.join(ROOT, 'packages', p, 'README.md')).filter((f) => fs.existsSync(f))];
  return files.flatMap((file) => {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const found: Array<{ where: string; line: string }> = [];
    let inBlock = false;
    lines.forEach((line, i) => {
      if (/^\s*```/.test(line)) inBlock = !inBlock;
      else if (inBlock) {
        const command = /^(?:npx )?prunebench (\S+)/.exec(line.trim());
        const placeholder = /\$|\.\.\.|…|\b[A-Z]{1,}[A-Z_]*\b(?![\w-])/.test(line.replace(/#.*$/, ''));
        if (command && QUICK.includes(command[1]) && !placeholder) found.push({ where: `${path.relative(ROOT, file)}:${i + 1}`, line: line.trim().replace(/\s+#.*$/, '') });
      }
    });
    return found;
  });
}

const examples = commandLines();

describe('quick command lines of the README and docs', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', path.join(ROOT, 'packages', 'cli')], { stdio: 'inherit' });
  }, 240_000);

  it('finds them (the schedule figure, init)', () => {
    expect(examples.map((e) => e.line)).toEqual(expect.arrayContaining([expect.stringMatching(/^prunebench schedule ft lrw slr clr/), expect.stringMatching(/^npx prunebench init /)]));
  });

  it.each(examples.map((e) => [e.where, e.line] as const))('%s runs as written: %s', (_where, line) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-doc-command-'));
    try {
      // `npx prunebench` and `prunebench` are the built CLI here (as after `npm run build`).
      const shim = 'prunebench() { node "$PRUNEBENCH_BIN" "$@"; }\nnpx() { if [ "$1" = prunebench ]; then shift; prunebench "$@"; else command npx "$@"; fi; }\n';
      const result = spawnSync('bash', ['-e', '-c', shim + line], { cwd: dir, encoding: 'utf8', env: { ...process.env, PRUNEBENCH_BIN: bin }, timeout: 120_000 });
      expect([result.status, result.stderr.replace(/^prunebench: wrote a starting config.*\n/m, '')]).toEqual([0, '']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
