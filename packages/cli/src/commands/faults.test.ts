// Fault injection, in this process: bad input, damaged results, divergence, a full disk. Each
// case asserts the exit code, the message, and that no finished run is lost or trusted blindly.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { studyFileFor } from '@prunebench/harness';
import { main } from '../main';
import { collectingIo } from '../test-io';
import { tinyStudyConfig } from '../test-study';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-faults-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** Runs `prunebench <command>` on a config written into a fresh folder. */
async function run(config: Record<string, unknown> | null, argv: string[] = [], dir = path.join(root, `case-${counter++}`)) {
  fs.mkdirSync(dir, { recursive: true });
  const configFile = path.join(dir, 'prunebench.config.json');
  if (config) fs.writeFileSync(configFile, JSON.stringify(config));
  const io = collectingIo();
  const args = argv.length ? argv : ['run', '--config', configFile];
  const code = await main(args, io);
  if (args[0] === 'run' && code === 0) expectEveryJobEnded(args);
  return { code, stdout: io.stdout(), stderr: io.stderr(), dir, configFile };
}

/**
 * The property every fault is checked against: `run` never exits 0 with a job of its study
 * unfinished (every job in study.json has a complete record: finished, diverged or not-run).
 */
function expectEveryJobEnded(args: string[]): void {
  const config = JSON.parse(fs.readFileSync(args[args.indexOf('--config') + 1], 'utf8')) as { out: string };
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : config.out;
  const pinned = JSON.parse(fs.readFileSync(path.join(out, 'study.json'), 'utf8')) as { jobs: { id: string }[] };
  const unfinished = pinned.jobs.filter(({ id }) => {
    const file = path.join(out, 'runs', id, 'run.json');
    return !fs.existsSync(file) || !['finished', 'diverged', 'not-run'].includes(JSON.parse(fs.readFileSync(file, 'utf8')).status);
  });
  expect(unfinished.map((j) => j.id)).toEqual([]);
}

interface RunFile {
  status: string;
  error?: string;
  metrics?: { test?: { top1: number } };
  artifacts?: Record<string, string>;
}
function records(out: string): Map<string, RunFile> {
  const dir = path.join(out, 'runs');
  return new Map(
    fs.readdirSync(dir)
      .filter((name) => fs.existsSync(path.join(dir, name, 'run.json')))
      .map((name) => [name, JSON.parse(fs.readFileSync(path.join(dir, name, 'run.json'), 'utf8')) as RunFile]),
  );
}
/** What must not change between an interrupted-and-resumed study and an uninterrupted one. */
function outcome(out: string): Record<string, unknown> {
  return Object.fromEntries(
    [...records(out)].map(([id, r]) => {
      // history.csv holds timings, checkpoint.json the time it was saved: the rest must be equal.
      const { 'history.csv': _history, 'model/checkpoint.json': _saved, ...artifacts } = r.artifacts ?? {};
      return [id, { status: r.status, top1: r.metrics?.test?.top1, artifacts }];
    }),
  );
}
const tempFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp'));

// One uninterrupted study that the damaged copies are compared against.
let reference: { out: string; configFile: string };
beforeAll(async () => {
  const dir = path.join(root, 'reference');
  const out = path.join(dir, 'results');
  const result = await run(tinyStudyConfig(out), [], dir);
  expect(result.stderr).not.toMatch(/Error/);
  expect(result.code).toBe(0);
  reference = { out, configFile: result.configFile };
}, 120_000);

/** A copy of the reference results with a config that points at it. */
function copyOfReference(): { out: string; configFile: string } {
  const dir = path.join(root, `copy-${counter++}`);
  const out = path.join(dir, 'results');
  fs.cpSync(reference.out, out, { recursive: true });
  const configFile = path.join(dir, 'prunebench.config.json');
  fs.writeFileSync(configFile, JSON.stringify(tinyStudyConfig(out)));
  // The copy belongs to its own config file now (a folder is pinned to one config's study).
  const studyFile = path.join(out, 'study.json');
  const pinned = JSON.parse(fs.readFileSync(studyFile, 'utf8'));
  fs.writeFileSync(studyFile, JSON.stringify(studyFileFor({ ...pinned.study, configFile, out })));
  return { out, configFile };
}

describe('bad input: exit 2 naming the key, before a results folder exists', () => {
  const cifarFolder = (damage?: (dir: string) => void) => {
    const dir = fs.mkdtempSync(path.join(root, 'cifar-'));
    const record = (i: number) => Buffer.concat([Buffer.from([i % 10]), Buffer.alloc(3072, i)]);
    const batch = (n: number) => Buffer.concat(Array.from({ length: n }, (_, i) => record(i)));
    for (let b = 1; b <= 5; b++) fs.writeFileSync(path.join(dir, `data_batch_${b}.bin`), batch(8));
    fs.writeFileSync(path.join(dir, 'test_batch.bin'), batch(8));
    damage?.(dir);
    return dir;
  };
  const idxFolder = (damage: (dir: string) => void) => {
    const dir = fs.mkdtempSync(path.join(root, 'idx-'));
    const idx = (dims: number[], fill: number) => {
      const header = Buffer.alloc(4 + 4 * dims.length);
      header[2] = 0x08;
      header[3] = dims.length;
      dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
      return Buffer.concat([header, Buffer.alloc(dims.reduce((a, b) => a * b, 1), fill)]);
    };
    for (const split of ['train', 't10k']) {
      fs.writeFileSync(path.join(dir, `${split}-images-idx3-ubyte`), idx([40, 28, 28], 9));
      fs.writeFileSync(path.join(dir, `${split}-labels-idx1-ubyte`), idx([40], 1));
    }
    damage(dir);
    return dir;
  };
  const withDataset = (dataset: Record<string, unknown>, extra: Record<string, unknown> = {}) => (out: string) =>
    tinyStudyConfig(out, { dataset, model: 'lenet5', ...extra });

  const cases: Array<[string, (out: string) => Record<string, unknown>, RegExp]> = [
    ['a missing dataset folder', withDataset({ use: 'cifar10', path: '/nonexistent/cifar' }), /dataset\.path: .*\/nonexistent\/cifar.* does not exist/],
    ['an empty CIFAR file', (out) => withDataset({ use: 'cifar10', path: cifarFolder((d) => fs.writeFileSync(path.join(d, 'data_batch_3.bin'), '')) })(out), /dataset\.path: .*data_batch_3\.bin: truncated or not a CIFAR binary file: 0 bytes/],
    ['a truncated CIFAR file', (out) => withDataset({ use: 'cifar10', path: cifarFolder((d) => fs.truncateSync(path.join(d, 'test_batch.bin'), 3073 * 8 - 100)) })(out), /dataset\.path: .*test_batch\.bin: truncated/],
    ['an empty IDX file', (out) => withDataset({ use: 'mnist', path: idxFolder((d) => fs.writeFileSync(path.join(d, 'train-images-idx3-ubyte'), '')) })(out), /dataset\.path: .*train-images-idx3-ubyte: truncated at byte 0/],
    ['a truncated IDX file', (out) => withDataset({ use: 'mnist', path: idxFolder((d) => fs.truncateSync(path.join(d, 't10k-labels-idx1-ubyte'), 30)) })(out), /dataset\.path: .*t10k-labels-idx1-ubyte/],
    ['trainSize larger than the data', (out) => withDataset({ use: 'cifar10', path: cifarFolder(), trainSize: 100 })(out), /dataset\.trainSize: .*trainSize 100 is larger than the 40 training examples/],
    ['a train split smaller than one batch', (out) => tinyStudyConfig(out, { dataset: { use: 'synthetic', inputShape: [16, 16, 1], numClasses: 4, trainSize: 16, testSize: 8 } }), /dataset\.trainSize: the train split has 16 examples, fewer than one batch of 32/],
    ['duplicate seeds', (out) => tinyStudyConfig(out, { seeds: [0, 1, 0] }), /seeds\[2\]: seed 0 is already seeds\[0\]/],
    ['a divergence bound that is no bound', (out) => tinyStudyConfig(out, { original: { epochs: 2, batchSize: 32, lr: 0.05, milestones: [1], gamma: 0.1, divergence: 1 } }), /original\.divergence: .*> 1/],
  ];
  it.each(cases)('%s', async (_what, config, message) => {
    const dir = path.join(root, `bad-${counter++}`);
    const out = path.join(dir, 'results');
    const result = await run(config(out), [], dir);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/run the same command again|\n\s+at /);
    expect(result.code).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('--out naming an existing file', async () => {
    const dir = path.join(root, `bad-${counter++}`);
    fs.mkdirSync(dir);
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'mine');
    const config = path.join(dir, 'prunebench.config.json');
    fs.writeFileSync(config, JSON.stringify(tinyStudyConfig(path.join(dir, 'results'))));
    const result = await run(null, ['run', '--config', config, '--out', file], dir);
    expect(result.stderr).toMatch(/out: .*notes\.txt is a file, not a folder/);
    expect(result.code).toBe(2);
    expect(fs.readFileSync(file, 'utf8')).toBe('mine');
  });
});

describe('damaged results: the run is redone (with its dependents), saying which file and why', () => {
  it('a run.json that only says {"status": "finished"}', async () => {
    const { out, configFile } = copyOfReference();
    const retrain = [...records(out).keys()].find((id) => id.startsWith('retrain-'))!;
    fs.writeFileSync(path.join(out, 'runs', retrain, 'run.json'), '{"status": "finished"}');
    const result = await run(null, ['run', '--config', configFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`redoing runs/${retrain}: run.json is not a valid run record \\(.*/ must have required property 'id'`));
    expect(result.stdout).toMatch(/Resuming: 6 runs already finished are kept/);
    expect(outcome(out)).toEqual(outcome(reference.out));
    expect(fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(7);
  });

  it("a truncated weights.bin of the original: the original and all its dependents", async () => {
    const { out, configFile } = copyOfReference();
    const original = [...records(out).keys()].find((id) => id.startsWith('original-'))!;
    const weights = path.join(out, 'runs', original, 'model', 'weights.bin');
    fs.truncateSync(weights, 74 * 4);
    const result = await run(null, ['run', '--config', configFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`redoing runs/${original}: model/weights.bin has changed since the run wrote it \\(296 bytes`));
    expect(result.stdout.match(/redoing runs\/(prune|retrain)-\w+: run.json was made from runs\//g)).toHaveLength(6);
    expect(result.stdout).not.toMatch(/Resuming/);
    expect(outcome(out)).toEqual(outcome(reference.out));
  });

  it('a run.json whose definition was edited (its hash no longer matches its id)', async () => {
    const { out, configFile } = copyOfReference();
    const prune = [...records(out).keys()].find((id) => id.startsWith('prune-'))!;
    const file = path.join(out, 'runs', prune, 'run.json');
    const record = JSON.parse(fs.readFileSync(file, 'utf8'));
    record.definition.seed = 7;
    fs.writeFileSync(file, JSON.stringify(record));
    const report = await run(null, ['report', out]);
    expect(report.stderr).toMatch(new RegExp(`left out runs/${prune}: run.json its definition does not hash to its id`));
    const result = await run(null, ['run', '--config', configFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`redoing runs/${prune}: run.json its definition does not hash to its id`));
    expect(result.stdout).toMatch(/Resuming: 4 runs already finished are kept/); // the prune's two retrains are redone too
    expect(outcome(out)).toEqual(outcome(reference.out));
  });
});

describe('study.json and every run.json are verified whole', () => {
  const runFolders = (out: string) => fs.readdirSync(path.join(out, 'runs')).sort();

  it('a job list cut to 3 jobs: report and clean refuse in one line and delete nothing; run rebuilds it', async () => {
    const { out, configFile } = copyOfReference();
    const file = path.join(out, 'study.json');
    const pinned = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...pinned, jobs: pinned.jobs.slice(0, 3) }));
    const before = runFolders(out);
    const report = await run(null, ['report', out]);
    expect(report.code).toBe(2);
    expect(report.stderr).toMatch(/^prunebench: \S+study\.json lists 3 job\(s\) that are not the 7 its definition derives \(edited\?\): run `prunebench run` with this study's config/);
    expect(report.stderr.trim().split('\n')).toHaveLength(1);
    const clean = await run(null, ['clean', out]);
    expect(clean.code).toBe(2);
    expect(clean.stdout).toBe('');
    expect(runFolders(out)).toEqual(before);
    const again = await run(null, ['run', '--config', configFile]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/study\.json lists 3 job\(s\) .*: rebuilt from the config\./);
    expect(again.stdout).toMatch(/Resuming: 7 runs already finished are kept/);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).jobs).toHaveLength(7);
  });

  it('a truncated study.json: one line naming the file and what to do; run recovers', async () => {
    const { out, configFile } = copyOfReference();
    const file = path.join(out, 'study.json');
    fs.truncateSync(file, 300);
    const report = await run(null, ['report', out]);
    expect(report.code).toBe(2);
    expect(report.stderr).toBe(`prunebench: ${file} is not valid JSON (300 bytes: cut short?): run \`prunebench run\` with this study's config (and --out ${out}) to rebuild it from the config (finished runs are kept); nothing was read from or removed in the folder\n`);
    const again = await run(null, ['run', '--config', configFile]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Resuming: 7 runs already finished are kept/);
    expect(outcome(out)).toEqual(outcome(reference.out));
  });

  type Edit = [string, 'original' | 'prune' | 'retrain', (record: Record<string, any>, dir: string) => void, number];
  it.each<Edit>([
    ["a retrain's test top-1 (0.75 → 0.99)", 'retrain', (r) => (r.metrics.test.top1 = 0.99), 6],
    ["an original's metrics", 'original', (r) => (r.metrics.test.loss = 0.01), 0],
    ["a prune's cost.after.params set to 1", 'prune', (r) => (r.cost.after.params = 1), 4],
    ["a retrain's artifacts emptied, history.csv and schedule.json deleted", 'retrain', (r, dir) => {
      r.artifacts = {};
      fs.rmSync(path.join(dir, 'history.csv'));
      fs.rmSync(path.join(dir, 'schedule.json'));
    }, 6],
  ])('%s: report leaves it out, run redoes it (and what was made from it)', async (_what, kind, edit, kept) => {
    const { out, configFile } = copyOfReference();
    const id = [...records(out).keys()].find((name) => name.startsWith(`${kind}-`))!;
    const file = path.join(out, 'runs', id, 'run.json');
    const record = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(record, path.dirname(file));
    fs.writeFileSync(file, JSON.stringify(record));
    const report = await run(null, ['report', out]);
    expect(report.stderr).toMatch(new RegExp(`left out runs/${id}: run.json was edited after the run wrote it`));
    const again = await run(null, ['run', '--config', configFile]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`redoing runs/${id}: run.json was edited after the run wrote it`));
    if (kept) expect(again.stdout).toMatch(new RegExp(`Resuming: ${kept} runs already finished are kept`));
    else expect(again.stdout).not.toMatch(/Resuming/);
    expect(outcome(out)).toEqual(outcome(reference.out));
  });

  it('temp files a kill left in run folders are removed by the next run of the folder', async () => {
    const { out, configFile } = copyOfReference();
    const retrain = [...records(out).keys()].find((id) => id.startsWith('retrain-'))!;
    const original = [...records(out).keys()].find((id) => id.startsWith('original-'))!;
    fs.writeFileSync(path.join(out, 'runs', retrain, '.run.json.999999.1700000000000.0.tmp'), '{"half');
    fs.mkdirSync(path.join(out, 'runs', original, '.model.999999.1700000000000.1.tmp'));
    fs.writeFileSync(path.join(out, '.summary.md.999999.1700000000000.2.tmp'), 'half');
    const again = await run(null, ['run', '--config', configFile]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Removed 3 temp file\(s\) an interrupted write left behind/);
    expect(tempFiles(out)).toEqual([]);
    expect(outcome(out)).toEqual(outcome(reference.out));
  });
});

const faultPlugin = path.join(__dirname, '..', 'test-fault-plugin.ts');
const withFault = (criterion: string, extra: Record<string, unknown> = {}) => (out: string) =>
  tinyStudyConfig(out, {
    plugins: [faultPlugin],
    pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }, { use: criterion, plan: { use: 'uniform', ratio: 0.5 } }],
    schedules: ['ft'],
    ...extra,
  });

describe('runs end', () => {
  it('a criterion that never returns: its prune fails after stallSeconds with the reason, its retrain is skipped, the rest finish, exit 1', async () => {
    const dir = path.join(root, `hang-${counter++}`);
    const out = path.join(dir, 'results');
    const result = await run(withFault('fault-hang', { stallSeconds: 5 })(out), [], dir);
    expect(result.code).toBe(1);
    const all = [...records(out).values()];
    const hung = all.find((r) => r.status === 'failed' && /stalled/.test(r.error ?? ''))!;
    expect(hung.error).toMatch(/^RunStalledError: stalled: no progress for 5 s \(stallSeconds\) during prune fault-hang\/uniform, seed 0; the run was stopped$/);
    expect(all.filter((r) => r.status === 'failed' && /^skipped: it needs prune-\w+, which failed/.test(r.error ?? ''))).toHaveLength(1);
    expect(all.filter((r) => r.status === 'finished')).toHaveLength(3); // the original, the l1 prune and its retrain
    expect(result.stdout).toMatch(/FAILED: prune fault-hang\/uniform, seed 0 — RunStalledError: stalled: no progress for 5 s/);
    expect(result.stderr).toMatch(/2 run\(s\) failed/);
  });
});

describe('the harness owns the engine', () => {
  it('a plugin that changes the backend, changes its input in place, leaks tensors or throws: named, and the other runs unharmed', async () => {
    const dir = path.join(root, `engine-${counter++}`);
    const out = path.join(dir, 'results');
    const config = tinyStudyConfig(out, {
      plugins: [faultPlugin],
      pruners: ['l1', 'fault-backend', 'fault-scale', 'fault-leak', 'fault-throw'].map((use) => ({ use, plan: { use: 'uniform', ratio: 0.5 } })),
      schedules: ['ft'],
    });
    const result = await run(config, [], dir);
    expect(result.code).toBe(1);
    const all = [...records(out).values()] as Array<RunFile & { kind: string; pruner?: string; leakedTensors?: number; versions: { backend: string } }>;
    const prune = (label: string) => all.find((r) => r.kind === 'prune' && r.pruner === `${label}/uniform`)!;
    const plugin = 'plugin prunebench-plugin-faults';
    expect(prune('fault-backend').error).toMatch(new RegExp(`^PluginMisbehavedError: ${plugin}.*, pruner fault-backend/uniform changed the backend from wasm to cpu \\(restored for the next run\\)`));
    expect(prune('fault-scale').error).toMatch(new RegExp(`^PluginMisbehavedError: ${plugin}.*, pruner fault-scale/uniform changed the weights of the model it was given, in place`));
    expect(prune('fault-throw').error).toMatch(new RegExp(`^Error: ${plugin}.*, pruner fault-throw/uniform threw: the fault plugin throws here\n\\s+at `));
    expect(prune('fault-leak').status).toBe('finished');
    expect(prune('fault-leak').leakedTensors).toBeGreaterThanOrEqual(100);
    expect(result.stdout).toMatch(new RegExp(`warning: ${plugin}.*, pruner fault-leak/uniform left \\d+ tensor\\(s\\) undisposed`));
    expect(prune('l1').leakedTensors).toBeUndefined();
    // Every run after the backend switch ran, and says it ran, on wasm; so do failed and skipped ones.
    for (const r of all) expect(r.versions.backend).toBe('wasm');
    expect(all.filter((r) => r.status === 'finished')).toHaveLength(5); // the original; l1 and fault-leak pruned and retrained
  }, 120_000);
});

describe('divergence', () => {
  it('an original at LR 50 is stopped and marked diverged; its dependents are "not run", kept on resume', async () => {
    const dir = path.join(root, `diverge-${counter++}`);
    const out = path.join(dir, 'results');
    const config = tinyStudyConfig(out, { original: { epochs: 2, batchSize: 32, lr: 50, milestones: [1], gamma: 1, momentum: 0.9, weightDecay: 0 } });
    const result = await run(config, [], dir);
    expect(result.code).toBe(0);
    const all = [...records(out).values()];
    const original = all.find((r) => r.status === 'diverged')!;
    expect(original.error).toMatch(/^diverged at step \d+ \(loss [\d.e+]+ > [\d.e+]+, 100 × the reference loss\)$/);
    const rest = all.filter((r) => r !== original);
    expect(rest).toHaveLength(6);
    for (const r of rest) expect(r).toMatchObject({ status: 'not-run', error: 'not run: the original diverged' });
    const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/1 original\(s\) diverged/);
    expect(summary).toMatch(/\| l1\/uniform \| ft \| 1 \| – \(1 not run: the original diverged\) \|/);
    expect(summary).not.toMatch(/Failed runs/);
    expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).toMatch(/1 original\(s\) diverged/);

    const again = await run(config, [], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Resuming: 7 runs already finished are kept/);
  });

  it('is configurable as original.divergence (a bound so loose that LR 50 runs on)', async () => {
    const dir = path.join(root, `diverge-${counter++}`);
    const out = path.join(dir, 'results');
    const config = tinyStudyConfig(out, { original: { epochs: 2, batchSize: 32, lr: 50, milestones: [1], gamma: 1, momentum: 0.9, weightDecay: 0, divergence: 1e30 } });
    const result = await run(config, [], dir);
    const original = [...records(out).entries()].find(([id]) => id.startsWith('original-'))![1];
    expect(original.status).toBe('finished');
    // Its weights blew up without the bound: a prune says so (one clear error per prune, exit 1),
    // rather than blaming the criterion that meets the NaNs.
    if (result.code !== 0) {
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/the original \(runs\/original-\w+\) has NaN or infinite weights/);
      expect(result.stdout).not.toMatch(/criterion .* returned NaN/);
    }
  });
});

// A real full disk: the results folder on a small tmpfs (needs root and a kernel that allows it).
const mountPoint = path.join(os.tmpdir(), `prunebench-full-${process.pid}`);
fs.mkdirSync(mountPoint, { recursive: true });
const mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=160k', 'tmpfs', mountPoint]).status === 0;
afterAll(() => {
  if (mounted) spawnSync('umount', [mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

(mounted ? describe : describe.skip)('a full disk', () => {
  it('stops `run` with exit 1 and a message naming the file, no stack trace, no temp files, every run.json whole', async () => {
    const out = path.join(mountPoint, 'results');
    const result = await run(tinyStudyConfig(out));
    expect(result.code).toBe(1);
    // The study stops at the first run the disk cannot take, and the last line says why.
    expect(result.stderr).toMatch(/prunebench: the study stopped: cannot write \/\S+: the disk is full \(ENOSPC\): free some space; nothing was left half-written/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(tempFiles(out)).toEqual([]);
    for (const name of fs.readdirSync(path.join(out, 'runs'))) {
      const file = path.join(out, 'runs', name, 'run.json');
      if (fs.existsSync(file)) expect(() => JSON.parse(fs.readFileSync(file, 'utf8'))).not.toThrow();
    }
  });

  it('ends `report` with exit 1 instead of a cut-short report.html', async () => {
    const out = path.join(mountPoint, 'results');
    fs.rmSync(out, { recursive: true, force: true });
    expect(spawnSync('mount', ['-o', 'remount,size=2m', mountPoint]).status).toBe(0);
    fs.cpSync(path.join(reference.out, 'runs'), path.join(out, 'runs'), { recursive: true });
    fs.copyFileSync(path.join(reference.out, 'study.json'), path.join(out, 'study.json'));
    // Fill the disk, then free 8 KiB: room for the small files, not for report.html (≈ 45 KB).
    const filler = path.join(mountPoint, 'filler');
    fs.writeFileSync(filler, '');
    for (let size = 65536; size >= 512; ) {
      try {
        fs.appendFileSync(filler, Buffer.alloc(size));
      } catch {
        size /= 2;
      }
    }
    fs.truncateSync(filler, Math.max(0, fs.statSync(filler).size - 8192));
    const result = await run(null, ['report', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot write \/\S+: the disk is full/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(tempFiles(out)).toEqual([]);
    expect(fs.existsSync(path.join(out, 'report.html'))).toBe(false);
  });
});
