/**
 * End to end, as a stranger does it (docs/writing-a-plugin.md follows these exact steps):
 *
 * 1. build the plugin package and `npm pack` it (its `prepack` script runs `tsc -b`);
 * 2. make a fresh project in a temp folder and `npm install` the tarball there;
 * 3. have prunebench installed next to it — here the repo's built packages, linked into the
 *    project's node_modules (they are not on the npm registry, and CI has only the registry:
 *    linking the workspace folders and the repo's own tfjs / tsyringe keeps the install
 *    offline, small and fast, and gives the plugin and the CLI one copy of core, one DI
 *    container and one tfjs engine, which is what its peerDependencies ask of a real install);
 * 4. write a config naming the plugin by its short name and run a tiny study with the
 *    `prunebench` CLI (the compiled bin), then check the result rows and the summary;
 * 5. the same with `prunebench.config.ts` passing the plugin object itself;
 * 6. `prunebench plugins` lists the plugin with its package and version.
 *
 * The tarball has no dependencies of its own (only peers), so `npm install --offline
 * --legacy-peer-deps` needs no registry and no cache: nothing is downloaded, in CI or here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../../../..');
const example = path.join(repo, 'examples', 'prunebench-plugin-hrank');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PRUNEBENCH_PACKAGES = ['core', 'cli', 'schedules', 'pruners', 'models', 'datasets'];
/** The plugin's peers (and what core needs at load), from the repo's node_modules. */
const PEERS = ['tsyringe', 'reflect-metadata', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'];

let project: string;
let timings: Record<string, number> = {};

function timed<T>(label: string, work: () => T): T {
  const start = Date.now();
  try {
    return work();
  } finally {
    timings[label] = Date.now() - start;
  }
}

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${[command, ...args].join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/** Runs the installed `prunebench` in the project; returns its exit code and output. */
function prunebench(args: string[], cwd = project) {
  const bin = path.join(project, 'node_modules', '@prunebench', 'cli', 'dist', 'bin.js');
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 180_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The tiny study: synthetic data, a narrow vgg-small, one original epoch, one retraining epoch. */
const study = {
  dataset: { use: 'synthetic', inputShape: [8, 8, 1], numClasses: 3, trainSize: 48, testSize: 24, noise: 0.3 },
  model: { use: 'vgg-small', widths: [4, 'M', 8, 'M'], hiddenUnits: 8 },
  original: { epochs: 1, batchSize: 16, lr: 0.05, milestones: [], gamma: 0.1, momentum: 0.9 },
  pruners: [{ use: 'hrank', plan: { use: 'uniform', ratio: 0.5 }, batches: 2, batchSize: 8 }],
  schedules: ['ft'],
  budgets: [1],
  seeds: [0],
  backend: 'cpu',
  workers: 1,
};

function readRows(out: string): Array<Record<string, unknown>> {
  return fs
    .readFileSync(path.join(out, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function expectHRankRows(out: string): void {
  const rows = readRows(out);
  const prune = rows.find((r) => r.kind === 'prune' && String(r.pruner).startsWith('hrank'));
  const retrain = rows.find((r) => r.kind === 'retrain' && String(r.pruner).startsWith('hrank'));
  expect(prune).toMatchObject({ status: 'finished' });
  // HRank's calibration passes are on the ledger: 2 batches of 8.
  expect((prune!.ledger as { extraForwardSamples: number }).extraForwardSamples).toBe(16);
  // ... and the harness measured the same: 16 examples served, forward convolutions run, no mismatch.
  expect(prune!.measured).toMatchObject({ examplesServed: 16, optimizerSteps: 0 });
  expect((prune!.measured as { macs: number }).macs).toBeGreaterThan(0);
  expect(prune!.costMismatch).toBeUndefined();
  expect((prune!.identity as Record<string, string>)['pruner hrank']).toMatch(
    /^prunebench-plugin-hrank@0\.1\.0 \((code sha256 [0-9a-f]{16}…|code not identified: a plugin object passed in the config)\)$/,
  );
  expect(retrain).toMatchObject({ status: 'finished' });
  expect((retrain!.metrics as { test: { top1: number } }).test.top1).toBeGreaterThanOrEqual(0);
  expect(fs.readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/\| hrank\/uniform \| ft \| 1 \|/);
}

beforeAll(() => {
  timings = {};
  // 1. Build what the test runs (incremental: quick after `npm run build`) and pack the plugin.
  timed('build', () => run(process.execPath, [path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/cli', 'examples/prunebench-plugin-hrank'], repo));
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-e2e-'));
  const packed = timed('npm pack', () => JSON.parse(run(npm, ['pack', '--json', '--pack-destination', project], example)));
  const tarball: string = packed[0].filename;
  expect(packed[0].files.map((f: { path: string }) => f.path)).toContain('dist/index.js');
  expect(packed[0].files.some((f: { path: string }) => /\.test\./.test(f.path))).toBe(false);

  // 2. A fresh project that installs the tarball.
  fs.writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'my-pruning-study', private: true, dependencies: { 'prunebench-plugin-hrank': `file:${tarball}` } }, null, 2),
  );
  timed('npm install', () => run(npm, ['install', '--offline', '--legacy-peer-deps', '--no-audit', '--no-fund'], project));

  // 3. prunebench next to it: the built workspace packages and the peers, linked.
  const modules = path.join(project, 'node_modules');
  for (const name of PRUNEBENCH_PACKAGES) {
    fs.mkdirSync(path.join(modules, '@prunebench'), { recursive: true });
    fs.symlinkSync(path.join(repo, 'packages', name), path.join(modules, '@prunebench', name), 'junction');
  }
  for (const name of PEERS) {
    fs.mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
    fs.symlinkSync(path.join(repo, 'node_modules', name), path.join(modules, name), 'junction');
  }
}, 240_000);

afterAll(() => {
  if (project) fs.rmSync(project, { recursive: true, force: true });
  // Seen in the test log, for the timings of the report.
  process.stderr.write(`third-party plugin e2e timings (ms): ${JSON.stringify(timings)}\n`);
});

describe('a third-party plugin, packed, installed and run through the CLI', () => {
  it('installed the tarball as a package of its own (not a link into the repo)', () => {
    const installed = path.join(project, 'node_modules', 'prunebench-plugin-hrank');
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'))).toMatchObject({ name: 'prunebench-plugin-hrank', version: '0.1.0' });
  });

  it('`prunebench plugins` lists it with its package and version', () => {
    fs.writeFileSync(path.join(project, 'prunebench.config.json'), JSON.stringify({ plugins: ['hrank'], ...study }, null, 2));
    const result = prunebench(['plugins', '--config', 'prunebench.config.json', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout);
    const plugin = listed.plugins.find((p: { package: string }) => p.package === 'prunebench-plugin-hrank');
    expect(plugin).toMatchObject({ name: 'prunebench-plugin-hrank', packageVersion: '0.1.0', apiVersion: 1 });
    expect(fs.realpathSync(plugin.path)).toBe(fs.realpathSync(path.join(project, 'node_modules', 'prunebench-plugin-hrank', 'dist', 'index.js')));
    expect(listed.components).toContainEqual(expect.objectContaining({ kind: 'pruner', id: 'hrank', package: 'prunebench-plugin-hrank', version: '0.1.0' }));
    const table = prunebench(['plugins', '--config', 'prunebench.config.json']);
    expect(table.stdout).toMatch(/prunebench-plugin-hrank\s+0\.1\.0\s+prunebench-plugin-hrank/);
  });

  it('runs a study that names it by its short name in a JSON config', () => {
    fs.writeFileSync(path.join(project, 'prunebench.config.json'), JSON.stringify({ plugins: ['hrank'], ...study }, null, 2));
    const result = timed('run (JSON config)', () => prunebench(['run', '--config', 'prunebench.config.json', '--out', 'results-json']));
    expect(result.stderr + result.stdout).not.toMatch(/failed/i);
    expect(result.code).toBe(0);
    expectHRankRows(path.join(project, 'results-json'));
  }, 180_000);

  it('runs a study whose prunebench.config.ts passes the plugin object itself', () => {
    const folder = path.join(project, 'ts-study');
    fs.mkdirSync(folder);
    const { pruners, ...rest } = study;
    fs.writeFileSync(
      path.join(folder, 'prunebench.config.ts'),
      [
        `import { defineConfig } from '@prunebench/core';`,
        `import hrank from 'prunebench-plugin-hrank';`,
        ``,
        `export default defineConfig({`,
        `  plugins: [hrank],`,
        `  pruners: ${JSON.stringify(pruners)},`,
        ...Object.entries(rest).map(([key, value]) => `  ${key}: ${JSON.stringify(value)},`),
        `});`,
        ``,
      ].join('\n'),
    );
    // No --config: `prunebench run` finds prunebench.config.ts in the working folder.
    const result = timed('run (TS config)', () => prunebench(['run', '--out', 'results'], folder));
    expect(result.stderr).toMatch(/config .*prunebench\.config\.ts/);
    expect(result.code).toBe(0);
    expectHRankRows(path.join(folder, 'results'));
  }, 180_000);
});
