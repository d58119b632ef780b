// `prunebench serve --queue URL` against a real, private redis-server (with a password): a study is
// queued with `run --queue` while no worker runs, then one worker takes its runs; serve's HTTP API
// and its server-sent events show the study's queue counts (queued/running/done/failed) as they
// change, and never the password.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tinyStudyConfig } from '../test-study';
import { redisServerAvailable, startTestRedis, type TestRedis } from '../test-redis';
import { cli, repoRoot, waitFor as waitUntil, type CliProcess } from '../test-cli-process';

const repo = repoRoot;

/** serve's snapshot is read over HTTP: polled every 100 ms, 60 s unless a call says otherwise. */
const waitFor = (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000) => waitUntil(what, condition, timeoutMs, 100);

interface QueueCounts {
  queued: number;
  running: number;
  done: number;
  failed: number;
}
interface Snapshot {
  queue?: { url: string; error?: string };
  studies: Array<{ dir: string; queue?: QueueCounts }>;
}

/** Follows serve's event stream, keeping the raw text (to look for the password) and every snapshot. */
function followEvents(url: string): { text(): string; snapshots: Snapshot[]; stop(): void } {
  const controller = new AbortController();
  let text = '';
  let pending = '';
  const snapshots: Snapshot[] = [];
  void (async () => {
    const response = await fetch(`${url}api/events`, { signal: controller.signal });
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      const part = decoder.decode(chunk, { stream: true });
      text += part;
      pending += part;
      let end: number;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const message = pending.slice(0, end);
        pending = pending.slice(end + 2);
        const data = message
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (/^event: ?snapshot$/m.test(message) && data) snapshots.push(JSON.parse(data) as Snapshot);
      }
    }
  })().catch(() => {});
  return { text: () => text, snapshots, stop: () => controller.abort() };
}

const describeWithRedis = redisServerAvailable() ? describe : describe.skip;

describeWithRedis('prunebench serve --queue', () => {
  let redis: TestRedis | undefined;
  let root: string;
  const started: CliProcess[] = [];
  const track = (p: CliProcess) => (started.push(p), p);

  beforeAll(async () => {
    // The children run the compiled CLI; tsc -b is incremental (a no-op after `npm run build`).
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', path.join(repo, 'packages', 'cli')], { stdio: 'inherit' });
    redis = await startTestRedis();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-serve-queue-'));
  }, 240_000);

  afterAll(async () => {
    for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(started.map((p) => p.exited));
    await redis?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it("shows the study's queue counts, changing as a worker takes and finishes its runs, and never the password", async () => {
    const url = redis!.url;
    const results = path.join(root, 'results');
    const out = path.join(results, 'tiny');
    // Three runs: the original, one prune, one retrain (each added to the queue once its dependency
    // finished). The original trains long enough (several seconds) for serve's queue reads to catch it running.
    fs.mkdirSync(results, { recursive: true });
    const base = tinyStudyConfig(out, { pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }], schedules: ['ft'] });
    fs.writeFileSync(path.join(root, 'tiny.json'), JSON.stringify({ ...base, dataset: { ...base.dataset, trainSize: 512 }, original: { ...base.original, epochs: 10 } }));

    const coordinator = track(cli(['run', '--queue', url, '--config', path.join(root, 'tiny.json')]));
    await waitFor(`the coordinator to queue the study: ${coordinator.output()}`, () => /runs to do/.test(coordinator.output()));

    // serve sees the results folder by another path (as a machine that mounts the shared folder
    // elsewhere does): the study is matched to its queued runs by its key, not by its path.
    const mounted = path.join(root, 'mounted');
    fs.symlinkSync(results, mounted);
    const serve = track(cli(['serve', mounted, '--queue', url]));
    await waitFor(`serve to start: ${serve.output()}`, () => /at http:\/\/127\.0\.0\.1:\d+\//.test(serve.output()), 30_000);
    const served = serve.output().match(/(http:\/\/127\.0\.0\.1:\d+\/)/)![1];
    const events = followEvents(served);
    const snapshot = async () => (await (await fetch(`${served}api/snapshot`)).json()) as Snapshot;
    const counts = (s: Snapshot) => s.studies.find((study) => study.dir === path.join(mounted, 'tiny'))?.queue;

    // No worker yet: the original waits in the queue.
    await waitFor('the queued original in the snapshot', async () => counts(await snapshot())?.queued === 1);
    const first = await snapshot();
    expect(counts(first)).toEqual({ queued: 1, running: 0, done: 0, failed: 0 });
    expect(first.queue).toEqual({ url: expect.stringMatching(/^redis:\/\/:\*\*\*@127\.0\.0\.1:\d+$/) });

    // One worker takes the runs; serve's counts follow until all three are done.
    const worker = track(cli(['worker', '--backend', 'wasm'], { PRUNEBENCH_REDIS_URL: url }));
    await waitFor('the worker\'s original to show as running', async () => counts(await snapshot())?.running === 1, 30_000);
    expect(counts(await snapshot())).toMatchObject({ queued: 0, done: 0, failed: 0 });
    expect(await coordinator.exited).toBe(0);
    await waitFor('three done runs in the snapshot', async () => counts(await snapshot())?.done === 3, 30_000);
    expect(counts(await snapshot())).toEqual({ queued: 0, running: 0, done: 3, failed: 0 });
    // The event stream carried the change: the queued original first, then done counts rising to 3.
    await waitFor('the event stream to reach three done', () => events.snapshots.some((s) => counts(s)?.done === 3), 10_000);
    const seen = events.snapshots.map(counts).filter((c): c is QueueCounts => c !== undefined);
    expect(seen[0]).toEqual({ queued: 1, running: 0, done: 0, failed: 0 });
    expect(seen.some((c) => c.running === 1)).toBe(true);
    const done = seen.map((c) => c.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(new Set(done).size).toBeGreaterThan(1);

    // Redis stops answering: serve says why, and shows no counts from before as if they were current.
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    await redis!.shutdown();
    await waitFor('serve to report the unreadable queue', async () => (await snapshot()).queue?.error !== undefined, 15_000);
    const unreadable = await snapshot();
    expect(unreadable.queue!.error).toMatch(/cannot read the queue at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+/);
    expect(counts(unreadable)).toBeUndefined();

    // The password is in nothing serve serves nor prints.
    const page = await (await fetch(served)).text();
    for (const text of [page, JSON.stringify(unreadable), events.text(), serve.output()]) expect(text).not.toContain(redis!.password);

    events.stop();
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  }, 120_000);
});
