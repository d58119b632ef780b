/**
 * End to end, as a stranger does it (docs/writing-a-plugin.md follows these exact steps):
 *
 * 1. `npm pack` the prunebench packages a plugin builds against (core, backend-wasm, pruners): the install
 *    route before prunebench is on a registry;
 * 2. generate a plugin with the template (`create-prunebench-plugin <folder> --tarballs <packs>`,
 *    what `npm init prunebench-plugin` runs), `npm install` it — its own tsconfig and jest
 *    config, the tarballs, nothing from this repo — and run its tests (the conformance kit);
 * 3. `npm pack` the plugin (its `prepack` builds it) and check the tarball has no test file;
 * 4. make a fresh project that installs the plugin tarball, with prunebench next to it — here the
 *    repo's built CLI and packages, linked (they are not on a registry; linking keeps one copy of
 *    core, one DI container and one tfjs engine, as a real install's peers give);
 * 5. run a tiny study naming the plugin's criterion and schedule through the `prunebench` CLI,
 *    from a JSON config and from a `prunebench.config.ts` that passes the plugin object;
 * 6. `prunebench plugins` lists the plugin with its package and version.
 *
 * Installs use `--prefer-offline`: with the npm cache warm (CI ran `npm ci`) nothing is
 * downloaded but package metadata the cache lacks, from the npm registry.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../../../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PRUNEBENCH_PACKAGES = ['core', 'harness', 'backend-wasm', 'cli', 'schedules', 'pruners', 'models', 'datasets'];
/** What core and the CLI need at load, from the repo's node_modules (a real install brings them). */
const PEERS = ['tsyringe', 'reflect-metadata', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'];
const PLUGIN = 'prunebench-plugin-e2e';
const INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund'];

let work: string;
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
  pruners: [{ use: 'e2e-max-abs', plan: { use: 'uniform', ratio: 0.5 } }],
  schedules: ['e2e-warmup-cosine'],
  budgets: [1],
  seeds: [0],
  backend: 'cpu',
  workers: 1,
};

function expectPluginRows(out: string): void {
  const rows = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  const prune = rows.find((r) => r.kind === 'prune' && String(r.pruner).startsWith('e2e-max-abs'));
  const retrain = rows.find((r) => r.kind === 'retrain' && String(r.pruner).startsWith('e2e-max-abs'));
  expect(prune).toMatchObject({ status: 'finished' });
  expect(prune.cost.after.params).toBeLessThan(prune.cost.before.params);
  // The harness measured what the stranger's criterion cost: it needs no data, so none was served.
  expect(prune.measured).toMatchObject({ examplesServed: 0, optimizerSteps: 0 });
  expect(prune.costMismatch).toBeUndefined();
  expect(retrain).toMatchObject({ status: 'finished' });
  expect(String(retrain.schedule)).toMatch(/e2e-warmup-cosine/);
  expect(fs.readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/\| e2e-max-abs\/uniform \| e2e-warmup-cosine \| 1 \|/);
}

beforeAll(() => {
  timings = {};
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-e2e-'));
  // 1. Build what the test runs (incremental: quick after `npm run build`) and pack core and pruners.
  timed('build', () => run(process.execPath, [path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/cli', 'packages/create-prunebench-plugin'], repo));
  const packs = path.join(work, 'packs');
  fs.mkdirSync(packs);
  timed('npm pack prunebench', () => run(npm, ['pack', '-w', 'packages/core', '-w', 'packages/backend-wasm', '-w', 'packages/pruners', '--pack-destination', packs, '--silent'], repo));

  // 2. The template's package, installed from the tarballs, tested.
  const plugin = path.join(work, 'e2e');
  const generator = path.join(repo, 'packages', 'create-prunebench-plugin', 'dist', 'bin.js');
  run(process.execPath, [generator, plugin, '--tarballs', packs], work);
  timed('npm install (plugin)', () => run(npm, INSTALL, plugin));
  timed('npm test (plugin)', () => run(npm, ['test', '--silent'], plugin));

  // 3. Its tarball.
  const packed = timed('npm pack (plugin)', () => JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work], plugin)));
  const files: string[] = packed[0].files.map((f: { path: string }) => f.path);
  expect(files).toContain('dist/index.js');
  expect(files.filter((f) => /\.test\.|(^|\/)src\//.test(f))).toEqual([]);

  // 4. A fresh project that installs it; prunebench linked next to it.
  project = path.join(work, 'my-pruning-study');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-pruning-study', private: true, dependencies: { [PLUGIN]: `file:${path.join(work, packed[0].filename)}` } }, null, 2));
  timed('npm install (project)', () => run(npm, [...INSTALL, '--offline', '--legacy-peer-deps'], project));
  const modules = path.join(project, 'node_modules');
  fs.mkdirSync(path.join(modules, '@prunebench'), { recursive: true });
  for (const name of PRUNEBENCH_PACKAGES) fs.symlinkSync(path.join(repo, 'packages', name), path.join(modules, '@prunebench', name), 'junction');
  for (const name of PEERS) {
    fs.mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
    fs.symlinkSync(path.join(repo, 'node_modules', name), path.join(modules, name), 'junction');
  }
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
  // Seen in the test log, for the timings of the report.
  process.stderr.write(`third-party plugin e2e timings (ms): ${JSON.stringify(timings)}\n`);
});

describe('a plugin made from the template, tested from packed tarballs, installed and run through the CLI', () => {
  it('installed the tarball as a package of its own (not a link into the repo)', () => {
    const installed = path.join(project, 'node_modules', PLUGIN);
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'))).toMatchObject({ name: PLUGIN, version: '0.1.0' });
  });

  it('`prunebench plugins` lists it with its package and version', () => {
    fs.writeFileSync(path.join(project, 'prunebench.config.json'), JSON.stringify({ plugins: ['e2e'], ...study }, null, 2));
    const result = prunebench(['plugins', '--config', 'prunebench.config.json', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout);
    const plugin = listed.plugins.find((p: { package: string }) => p.package === PLUGIN);
    expect(plugin).toMatchObject({ name: PLUGIN, packageVersion: '0.1.0', apiVersion: 2 });
    expect(fs.realpathSync(plugin.path)).toBe(fs.realpathSync(path.join(project, 'node_modules', PLUGIN, 'dist', 'index.js')));
    expect(listed.components).toContainEqual(expect.objectContaining({ kind: 'criterion', id: 'e2e-max-abs', package: PLUGIN, version: '0.1.0' }));
    expect(listed.components).toContainEqual(expect.objectContaining({ kind: 'schedule', id: 'e2e-warmup-cosine', package: PLUGIN }));
  });

  it('runs a study that names it by its short name in a JSON config', () => {
    fs.writeFileSync(path.join(project, 'prunebench.config.json'), JSON.stringify({ plugins: ['e2e'], ...study }, null, 2));
    const result = timed('run (JSON config)', () => prunebench(['run', '--config', 'prunebench.config.json', '--out', 'results-json']));
    expect(result.stderr + result.stdout).not.toMatch(/failed/i);
    expect(result.code).toBe(0);
    expectPluginRows(path.join(project, 'results-json'));
  }, 180_000);

  it('runs a study whose prunebench.config.ts passes the plugin object itself', () => {
    const folder = path.join(project, 'ts-study');
    fs.mkdirSync(folder);
    fs.writeFileSync(
      path.join(folder, 'prunebench.config.ts'),
      [
        `import { defineConfig } from '@prunebench/core';`,
        `import e2e from '${PLUGIN}';`,
        ``,
        `export default defineConfig({`,
        `  plugins: [e2e],`,
        ...Object.entries(study).map(([key, value]) => `  ${key}: ${JSON.stringify(value)},`),
        `});`,
        ``,
      ].join('\n'),
    );
    // No --config: `prunebench run` finds prunebench.config.ts in the working folder.
    const result = timed('run (TS config)', () => prunebench(['run', '--out', 'results'], folder));
    expect(result.stderr).toMatch(/config .*prunebench\.config\.ts/);
    expect(result.code).toBe(0);
    expectPluginRows(path.join(folder, 'results'));
  }, 180_000);
});
