import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/*
 * The reference study's command-line tools, as benchmarks/README.md tells a user to run them, on
 * the committed copy of the study (docs/results/fashion-mnist-reference): `reference-study.js
 * check` and `readme`, and `workload-profile.js`. They run compiled (npm run build first; CI
 * does); without a build they are skipped here, except under CI, where that is a failure.
 */
const root = path.join(__dirname, '..');
const dist = path.join(__dirname, 'dist');
const published = path.join(root, 'docs', 'results', 'fashion-mnist-reference');
const built = fs.existsSync(path.join(dist, 'reference-study.js')) && fs.existsSync(path.join(dist, 'workload-profile.js'));
if (!built && process.env.CI) throw new Error('benchmarks/dist is missing: CI must run `npm run build` before the tests');
const run = (script: string, ...args: string[]) => spawnSync(process.execPath, [path.join(dist, script), ...args], { cwd: root, encoding: 'utf8' });

(built ? describe : describe.skip)('the reference study tools on docs/results', () => {
  it('check: one line per design property, all held, exit 0', () => {
    const out = run('reference-study.js', 'check', published);
    expect(out.stderr).toBe('');
    const lines = out.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(9);
    expect(lines.filter((l) => !l.startsWith('held '))).toEqual([]);
    expect(out.status).toBe(0);
  });

  it('readme: writes exactly the committed docs/results/README.md', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-readme-')), 'README.md');
    const out = run('reference-study.js', 'readme', published, '--out', file);
    expect(out.status).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(fs.readFileSync(path.join(root, 'docs', 'results', 'README.md'), 'utf8'));
  });

  it('readme and check explain a folder without results (exit 2)', () => {
    const out = run('reference-study.js', 'check', os.tmpdir());
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/results\.jsonl does not exist: give the results folder of `prunebench run`/);
  });

  it('workload-profile: per run kind, wall time split into training, evaluation and the rest, and the kinds add up', () => {
    const out = run('workload-profile.js', published);
    expect(out.status).toBe(0);
    const rows = out.stdout.split('\n').filter((l) => /^\| (original|prune|scratch|retrain|all) \|/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
    expect(rows.map((r) => r[0])).toEqual(expect.arrayContaining(['original', 'prune', 'scratch', 'retrain', 'all']));
    const runs = (kind: string) => Number(rows.find((r) => r[0] === kind)![1]);
    expect(runs('original') + runs('prune') + runs('scratch') + runs('retrain')).toBe(runs('all'));
    const records = fs.readFileSync(path.join(published, 'results.jsonl'), 'utf8').trim().split('\n');
    expect(runs('all')).toBe(records.length);
    // The study's own data pipeline, made from its study.json (committed beside the records).
    expect(out.stdout).toMatch(/Data pipeline alone \(fashion-mnist, \{.*"augment":true.*\}\): \d+\.\d ms per batch of 128 over 62 batches/);
  });
});
