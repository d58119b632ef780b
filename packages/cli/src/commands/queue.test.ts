// Studies on a Redis queue, end to end with the compiled CLI: a coordinator and worker processes
// on a private redis-server (with a password), faults injected by killing processes.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import { expandStudy, parseQueueUrl, queueEntry, QUEUE_NAME, studyKey, type StudyDefinition } from '@prunebench/harness';
import { compiledFaultPlugin } from '../test-fault-plugin-js';
import { tinyStudyConfig } from '../test-study';
import { redisServerAvailable, startTestRedis, type TestRedis } from '../test-redis';
import { cli, repoRoot, waitFor, type CliProcess } from '../test-cli-process';

const repo = repoRoot;

/** A worker with a short stall timeout, so a killed worker's run is taken over in seconds. */
function worker(redis: TestRedis, extra: string[] = []): CliProcess {
  return cli(['worker', '--backend', 'wasm', '--stall-timeout', '2', ...extra], { PRUNEBENCH_REDIS_URL: redis.url });
}

function records(out: string): Map<string, { status: string; top1?: number; text: string; error?: string }> {
  const runs = new Map<string, { status: string; top1?: number; text: string; error?: string }>();
  const dir = path.join(out, 'runs');
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const file = path.join(dir, name, 'run.json');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const record = JSON.parse(text);
    runs.set(name, { status: record.status, top1: record.metrics?.test?.top1, text, error: record.error });
  }
  return runs;
}

function textFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).flatMap((entry) => {
    const file = path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    return entry.isFile() && /\.(json|jsonl|md|csv|html|svg)$/.test(entry.name) ? [file] : [];
  });
}

/** The coordinator's `[i/n]` counters: each once, ending at n (a run retried elsewhere is not counted twice). */
function expectCountsOnce(output: string, total: number): void {
  const counters = [...output.matchAll(/^\[\s*(\d+)\/(\d+)\]/gm)].map((m) => Number(m[1]));
  expect(new Set(counters).size).toBe(counters.length);
  expect(Math.max(...counters)).toBe(total);
}

/** How many times each run was started, from the workers' logs. */
function starts(...logs: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of logs.join('\n').matchAll(/running .*? \(((?:original|prune|retrain)-[0-9a-f]+)\)/g)) {
    counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  }
  return counts;
}

const describeWithRedis = redisServerAvailable() ? describe : describe.skip;

describeWithRedis('prunebench on a Redis queue', () => {
  let redis: TestRedis;
  let root: string;
  const stray: CliProcess[] = [];

  beforeAll(async () => {
    // The children run the compiled CLI; tsc -b is incremental (a no-op after `npm run build`).
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', path.join(repo, 'packages', 'cli')], { stdio: 'inherit' });
    redis = await startTestRedis();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-queue-'));
  }, 240_000);

  // A test that fails leaves no worker behind to take the next test's runs.
  afterEach(() => {
    for (const p of stray.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  });

  afterAll(async () => {
    for (const p of stray) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await redis?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const spawnTracked = (p: CliProcess) => (stray.push(p), p);

  it('runs a study on two workers, survives a killed worker and a killed coordinator, and matches a local run', async () => {
    const config = (out: string) => tinyStudyConfig(out, { schedules: ['ft', 'lrw', 'slr', 'clr'], budgets: [3] });
    const local = path.join(root, 'local');
    const onQueue = path.join(root, 'queue');
    fs.writeFileSync(path.join(root, 'local.json'), JSON.stringify(config(local)));
    fs.writeFileSync(path.join(root, 'queue.json'), JSON.stringify(config(onQueue)));

    const first = spawnTracked(worker(redis));
    const second = spawnTracked(worker(redis));
    const coordinator = spawnTracked(cli(['run', '--queue', redis.url, '--config', path.join(root, 'queue.json')]));
    // Kill the first worker while it trains a retraining run, and the coordinator with it.
    await waitFor('the first worker to start a retraining run', () => /running retrain/.test(first.output()));
    first.child.kill('SIGKILL');
    coordinator.child.kill('SIGKILL');
    await Promise.all([first.exited, coordinator.exited]);
    const killedRun = [...first.output().matchAll(/running .*? \((retrain-[0-9a-f]+)\)/g)].pop()![1];
    const finishedBefore = new Map([...records(onQueue)].filter(([, r]) => r.status === 'finished'));
    expect(finishedBefore.has(killedRun)).toBe(false);

    // A new coordinator re-attaches; the second worker takes over the killed worker's run once its lock expires.
    const again = spawnTracked(cli(['run', '--config', path.join(root, 'queue.json')], { PRUNEBENCH_REDIS_URL: redis.url }));
    expect(await again.exited).toBe(0);
    expect(again.output()).toMatch(/Re-attached to \d+ runs already in the queue/);
    expectCountsOnce(again.output(), 11);
    expect(again.output()).toMatch(/Queue redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: \d+ of 11 runs to do/);

    const queued = records(onQueue);
    expect(queued.size).toBe(11); // 1 original + 2 prunes + 8 retrains
    expect([...queued.values()].every((r) => r.status === 'finished')).toBe(true);
    for (const [id, record] of finishedBefore) expect(queued.get(id)!.text).toBe(record.text);
    // Every run started once, except the killed one, which the second worker ran again.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/SIGTERM: finishing the current runs[\s\S]*stopped/);
    const counts = starts(first.output(), second.output());
    expect(counts.get(killedRun)).toBe(2);
    expect([...counts].filter(([id]) => id !== killedRun).every(([, n]) => n === 1)).toBe(true);
    expect(new Set(counts.keys())).toEqual(new Set(queued.keys()));

    // The same study run here, in one process: the same run ids and the same accuracies.
    const here = cli(['run', '--config', path.join(root, 'local.json')]);
    expect(await here.exited).toBe(0);
    const localRuns = records(local);
    expect([...localRuns.keys()].sort()).toEqual([...queued.keys()].sort());
    for (const [id, record] of localRuns) expect(queued.get(id)!.top1).toBe(record.top1);

    // The password is in no log and no file of the study.
    for (const log of [first, second, coordinator, again].map((p) => p.output())) expect(log).not.toContain(redis.password);
    for (const file of textFiles(onQueue)) expect(fs.readFileSync(file, 'utf8')).not.toContain(redis.password);
    expect(textFiles(onQueue).some((f) => f.endsWith('report.html'))).toBe(true);
  }, 300_000);

  it('records a run that fails for good, goes on with the rest, and shows failures in `status`; a worker refuses a missing plugin', async () => {
    const out = path.join(root, 'failing');
    const config = tinyStudyConfig(out, {
      // pfec-a is defined for VGG-16 and ResNet-56/110 only: its prune fails on vgg-small, every attempt.
      pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }, { use: 'l1', plan: 'pfec-a' }],
      schedules: ['ft'],
    });
    fs.writeFileSync(path.join(root, 'failing.json'), JSON.stringify(config));
    const only = spawnTracked(worker(redis));
    const coordinator = cli(['run', '--queue', redis.url, '--config', path.join(root, 'failing.json')]);
    expect(await coordinator.exited).toBe(1);
    expect(coordinator.output()).toMatch(/FAILED: prune l1\/pfec-a/);
    expect(coordinator.output()).toMatch(/SKIPPED: retrain l1\/pfec-a/);
    expect(coordinator.output()).toMatch(/2 run\(s\) failed/);
    expectCountsOnce(coordinator.output(), 5);
    const runs = [...records(out).values()];
    expect(runs.filter((r) => r.status === 'finished')).toHaveLength(3); // original, l1/uniform prune and its retrain
    expect(runs.find((r) => r.status === 'failed' && /pfec-a/.test(r.error ?? ''))).toBeDefined();
    expect(runs.find((r) => /skipped: it needs prune-/.test(r.error ?? ''))).toBeDefined();
    expect(fs.readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/Failed or diverged runs/);
    expect(only.output()).toMatch(/failed, will be retried \(attempt 1 of 2\)[\s\S]*FAILED \(attempt 2 of 2\)/);

    // A study whose definition names a plugin no worker here has: the worker leaves its run to
    // workers that can load it (says so once), and the run loses no attempt to it.
    const { study } = JSON.parse(fs.readFileSync(path.join(out, 'study.json'), 'utf8')) as { study: StudyDefinition };
    const elsewhere: StudyDefinition = { ...study, out: path.join(root, 'elsewhere'), plugins: [...study.plugins, { name: 'prunebench-plugin-absent', version: '1.0.0', module: 'prunebench-plugin-absent' }] };
    const queue = new Queue(QUEUE_NAME, { connection: parseQueueUrl(redis.url).options });
    const entry = queueEntry({ key: studyKey(elsewhere), out: elsewhere.out, totalJobs: 5 }, elsewhere, expandStudy(elsewhere)[0]);
    const refusedJob = await queue.add(entry.name, entry.data, entry.opts);
    await waitFor('the worker to leave the run', () => /cannot load the plugins of the study in \S+elsewhere: .*leaving its runs to workers that can load them/.test(only.output()), 60_000);
    expect(only.output()).toMatch(/needs plugin "prunebench-plugin-absent"@1\.0\.0.*Install it where this worker runs/);
    await new Promise((resolve) => setTimeout(resolve, 5000)); // it is offered the run again and again
    expect(only.output().match(/cannot load the plugins/g)).toHaveLength(1);
    expect(only.output()).not.toMatch(/FAILED.*elsewhere|failed, will be retried.*elsewhere/);
    const bounced = (await queue.getJob(refusedJob.id!))!;
    expect(bounced.attemptsMade).toBe(0);
    expect(['delayed', 'waiting', 'active']).toContain(await bounced.getState());

    const status = cli(['status', '--json'], { PRUNEBENCH_REDIS_URL: redis.url });
    expect(await status.exited).toBe(0);
    const report = JSON.parse(status.output()) as { queue: string; studies: { out: string; done: number; failed: number; failures: { run: string; reason: string }[] }[] };
    expect(report.queue).not.toContain(redis.password);
    const failing = report.studies.find((s) => s.out === out)!;
    expect(failing).toMatchObject({ done: 3, failed: 1 });
    expect(failing.failures[0].reason).toMatch(/pfec-a/);
    expect(report.studies.find((s) => s.out === elsewhere.out)).toMatchObject({ failed: 0, done: 0 });

    const table = cli(['status', '--queue', redis.url]);
    expect(await table.exited).toBe(0);
    expect(table.output()).toMatch(new RegExp(`${out.replace(/[/\\.]/g, '\\$&')}\\s+5\\s+0\\s+0\\s+3\\s+1`));
    only.child.kill('SIGINT');
    expect(await only.exited).toBe(0);
    await bounced.remove().catch(() => {});
    await queue.close();
  }, 240_000);

  it("a worker that cannot load a study's plugins leaves its runs to one that can: every run finishes, none loses an attempt", async () => {
    const plugin = compiledFaultPlugin(root);
    const out = path.join(root, 'mixed');
    fs.writeFileSync(path.join(root, 'mixed.json'), JSON.stringify(tinyStudyConfig(out, { plugins: [plugin], pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }], schedules: ['ft'] })));
    const lacking = spawnTracked(cli(['worker', '--backend', 'wasm'], { PRUNEBENCH_REDIS_URL: redis.url, PRUNEBENCH_TEST_LACKS_FAULT_PLUGIN: '1' }));
    await waitFor('the lacking worker to connect', () => /worker ready/.test(lacking.output()));
    const coordinator = spawnTracked(cli(['run', '--queue', redis.url, '--config', path.join(root, 'mixed.json')]));
    await waitFor('the lacking worker to say so', () => /cannot load the plugins of the study in \S+mixed: .*leaving its runs to workers that can/.test(lacking.output()), 60_000);
    const able = spawnTracked(worker(redis));
    expect(await coordinator.exited).toBe(0);
    expect([...records(out).values()].filter((r) => r.status === 'finished')).toHaveLength(3);
    expect(lacking.output().match(/cannot load the plugins/g)).toHaveLength(1);
    for (const log of [lacking.output(), able.output(), coordinator.output()]) expect(log).not.toMatch(/FAILED|failed, will be retried|attempt failed/);
    lacking.child.kill('SIGTERM');
    able.child.kill('SIGTERM');
    await Promise.all([lacking.exited, able.exited]);
  }, 240_000);

  it('fails fast on what retrying cannot fix: a wrong password ends a coordinator and a worker at once (exit 2), lock released', async () => {
    const wrong = redis.url.replace(`:${redis.password}@`, ':not-the-password@');
    const out = path.join(root, 'wrongpass');
    fs.writeFileSync(path.join(root, 'wrongpass.json'), JSON.stringify(tinyStudyConfig(out)));
    const coordinator = spawnTracked(cli(['run', '--queue', wrong, '--config', path.join(root, 'wrongpass.json')]));
    expect(await coordinator.exited).toBe(2);
    expect(coordinator.output()).toMatch(/Redis refused the credentials \(WRONGPASS[^)]*\): check the user and password/);
    expect(coordinator.output()).not.toContain('not-the-password');
    expect(fs.existsSync(path.join(out, '.prunebench.lock'))).toBe(false);
    const refused = spawnTracked(cli(['worker', '--queue', wrong]));
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toMatch(/Redis refused the credentials/);
    expect(refused.output()).not.toContain('not-the-password');
  }, 120_000);

  it('stop signals end an idle worker and a coordinator within the bound while Redis does not answer', async () => {
    // Two servers: the worker must stay idle (a run of the coordinator's study would be finished first).
    const [forWorker, forCoordinator] = await Promise.all([startTestRedis(), startTestRedis()]);
    const out = path.join(root, 'unanswered');
    fs.writeFileSync(path.join(root, 'unanswered.json'), JSON.stringify(tinyStudyConfig(out)));
    const idle = spawnTracked(cli(['worker', '--queue', forWorker.url]));
    const coordinator = spawnTracked(cli(['run', '--queue', forCoordinator.url, '--config', path.join(root, 'unanswered.json')]));
    await waitFor(`the worker to connect: ${idle.output()}`, () => /worker ready/.test(idle.output()), 60_000);
    await waitFor(`the coordinator to queue the study: ${coordinator.output()}`, () => /runs to do/.test(coordinator.output()), 60_000);
    await Promise.all([forWorker.stop(), forCoordinator.stop()]);
    const stoppedAt = Date.now();
    idle.child.kill('SIGTERM');
    coordinator.child.kill('SIGINT');
    expect(await idle.exited).toBe(0);
    expect(await coordinator.exited).toBe(1);
    // 5 s to close a connection that does not answer, 2 s for what is left to wind down.
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    expect(coordinator.output()).toMatch(/detached from the study/);
    expect(fs.existsSync(path.join(out, '.prunebench.lock'))).toBe(false);
  }, 120_000);

  const gpuBackendInstalled = (() => {
    try {
      require.resolve('@tensorflow/tfjs-node-gpu');
      return true;
    } catch {
      return false;
    }
  })();
  (gpuBackendInstalled ? it.skip : it)('a worker told to use a backend that does not load here refuses to start, and takes no run', async () => {
    const queue = new Queue(QUEUE_NAME, { connection: parseQueueUrl(redis.url).options });
    try {
      // A run waiting in the queue: a worker that took it would fail it (this payload is no study).
      const waiting = await queue.add('original', { study: { key: 'study-probe', out: path.join(root, 'probe'), totalJobs: 1 } }, { jobId: 'study-probe.original-0' });
      const refusing = spawnTracked(worker(redis, ['--backend', 'tensorflow-gpu']));
      expect(await refusing.exited).not.toBe(0);
      expect(refusing.output()).toMatch(/cannot use --backend tensorflow-gpu: .*tensorflow-gpu: not installed/);
      expect(refusing.output()).not.toMatch(/worker ready|running/);
      expect(await waiting.getState()).toBe('waiting');
      await waiting.remove();
    } finally {
      await queue.close();
    }
  }, 60_000);

  it('a stopped worker finishes its run (first signal) or hands it back at once (second)', async () => {
    const out = path.join(root, 'stopping');
    fs.writeFileSync(path.join(root, 'stopping.json'), JSON.stringify(tinyStudyConfig(out)));
    const finishing = spawnTracked(worker(redis));
    const coordinator = spawnTracked(cli(['run', '--queue', redis.url, '--config', path.join(root, 'stopping.json')]));
    await waitFor('the original to start', () => /running train original/.test(finishing.output()));
    finishing.child.kill('SIGTERM');
    expect(await finishing.exited).toBe(0);
    expect(finishing.output()).toMatch(/running train original[\s\S]*finished: train original[\s\S]*stopped/);
    expect(starts(finishing.output()).size).toBe(1);

    const handing = spawnTracked(worker(redis));
    await waitFor('a prune to start', () => /running prune/.test(handing.output()));
    handing.child.kill('SIGINT');
    await waitFor('the first signal to be heard', () => /SIGINT: finishing/.test(handing.output()));
    handing.child.kill('SIGINT');
    expect(await handing.exited).toBe(0);
    expect(handing.output()).toMatch(/handed back: prune/);
    // A worker with BullMQ's default 30 s stall timeout takes the handed-back run now, not after the timeout.
    const next = spawnTracked(cli(['worker', '--backend', 'wasm'], { PRUNEBENCH_REDIS_URL: redis.url }));
    const handedBack = handing.output().match(/handed back: .*? \((prune-[0-9a-f]+)\)/)![1];
    const started = Date.now();
    await waitFor('the next worker to take the handed-back run', () => next.output().includes(`(${handedBack})`), 20_000);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await coordinator.exited).toBe(0);
    expect([...records(out).values()].filter((r) => r.status === 'finished')).toHaveLength(7);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  }, 240_000);

  it('talks TLS to a rediss:// server; one worker runs two runs at once with --concurrency 2', async () => {
    const secure = await startTestRedis({ tls: true });
    try {
      const out = path.join(root, 'tls');
      fs.writeFileSync(path.join(root, 'tls.json'), JSON.stringify(tinyStudyConfig(out, { schedules: ['ft', 'clr'] })));
      // The test's self-signed certificate is trusted the way an operator would trust a private CA.
      const trust = { NODE_EXTRA_CA_CERTS: secure.caFile!, PRUNEBENCH_REDIS_URL: secure.url };
      const only = spawnTracked(cli(['worker', '--backend', 'wasm', '--concurrency', '2'], trust));
      const coordinator = spawnTracked(cli(['run', '--config', path.join(root, 'tls.json')], trust));
      expect(await coordinator.exited).toBe(0);
      expect(coordinator.output()).toMatch(/Queue rediss:\/\/:\*\*\*@localhost:\d+: 7 of 7 runs to do/);
      expect([...records(out).values()].filter((r) => r.status === 'finished')).toHaveLength(7);
      // Two runs in flight at once in the one worker: a second start before the first finishes.
      let inFlight = 0;
      let most = 0;
      for (const line of only.output().split('\n')) {
        if (/ running /.test(line)) most = Math.max(most, ++inFlight);
        if (/ (finished|already complete): /.test(line)) inFlight--;
      }
      expect(most).toBe(2);
      only.child.kill('SIGTERM');
      expect(await only.exited).toBe(0);
      for (const log of [only.output(), coordinator.output()]) expect(log).not.toContain(secure.password);
    } finally {
      await secure.stop();
    }
  }, 120_000);

  it('goes on when Redis restarts: workers and the coordinator reconnect', async () => {
    const persistent = await startTestRedis({ persistent: true });
    try {
      const out = path.join(root, 'restart');
      fs.writeFileSync(path.join(root, 'restart.json'), JSON.stringify(tinyStudyConfig(out)));
      const only = spawnTracked(worker(persistent));
      const coordinator = spawnTracked(cli(['run', '--queue', persistent.url, '--config', path.join(root, 'restart.json')]));
      await waitFor('the first run to finish', () => /\[1\/7\] done/.test(coordinator.output()));
      await persistent.shutdown();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await persistent.start();
      expect(await coordinator.exited).toBe(0);
      expect([...records(out).values()].filter((r) => r.status === 'finished')).toHaveLength(7);
      expectCountsOnce(coordinator.output(), 7);
      only.child.kill('SIGTERM');
      expect(await only.exited).toBe(0);
      expect(only.output()).not.toContain(persistent.password);
      if (process.env.SHOW_QUEUE_LOGS) process.stderr.write(only.output() + coordinator.output());
    } finally {
      await persistent.stop();
    }
  }, 240_000);
});
