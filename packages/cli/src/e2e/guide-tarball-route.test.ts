/**
 * docs/writing-a-plugin.md §7, run as written from a clean temporary folder: the shell blocks and
 * the config of "Before prunebench is on a registry" and "Run a study" are read from the guide and
 * run in order by bash — pack every package (`npm run pack:all`), generate the plugin from the
 * tarballs, install it, test it, pack it, make a study project that installs the CLI's tarballs
 * and the plugin in one `npm install`, list the plugins and run a one-run study that loads it by
 * name. The one substitution: the guide's first line (`npm ci && npm run pack:all -- ../packs`,
 * in a clone) runs here as `npm run pack:all -- <tmp>/packs` in this repository, which is
 * installed already. Installs use the npm cache (`--prefer-offline`).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..', '..', '..');
const guide = fs.readFileSync(path.join(repo, 'docs', 'writing-a-plugin.md'), 'utf8');
const section = guide.slice(guide.indexOf('**Before prunebench is on a registry**'), guide.indexOf('## 8. Publish'));
const blocks = [...section.matchAll(/```(sh|json)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));
const CLONE_LINES = ['npm ci && npm run pack:all -- ../packs', 'cd ..'];

let work: string;
afterAll(() => work && fs.rmSync(work, { recursive: true, force: true }));

describe('guide §7, the tarball route, run as written', () => {
  it('has the blocks the test runs: the route, the study project, its config and its commands', () => {
    expect(blocks.map((b) => b.lang)).toEqual(['sh', 'sh', 'json', 'sh']);
    expect(blocks[0].text.split('\n').slice(1, 3)).toEqual(CLONE_LINES);
  });

  it('packs, generates, installs, tests and packs the plugin, then runs a study that loads it by name', () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-guide-'));
    const [route, study, config, commands] = blocks;
    const script = [
      'set -euo pipefail',
      `(cd ${JSON.stringify(repo)} && npm run pack:all --silent -- ${JSON.stringify(path.join(work, 'packs'))})`,
      ...route.text.split('\n').slice(3),
      study.text,
      `cat > prunebench.config.json <<'JSON'\n${config.text}JSON`,
      commands.text,
      'ls results-json/results.jsonl',
    ].join('\n');
    let output: string;
    try {
      output = execFileSync('bash', ['-c', script], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' }, timeout: 900_000 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`the guide's commands failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
    }
    expect(output).toMatch(/prunebench-plugin-my-method[^\n]*0\.1\.0/);
    const rows = fs.readFileSync(path.join(work, 'my-study', 'results-json', 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(rows.map((r) => [r.kind, r.status])).toEqual(expect.arrayContaining([['prune', 'finished'], ['retrain', 'finished']]));
    // The plugin came from its tarball, not from this repository.
    expect(fs.lstatSync(path.join(work, 'my-study', 'node_modules', 'prunebench-plugin-my-method')).isSymbolicLink()).toBe(false);
  }, 900_000);
});
