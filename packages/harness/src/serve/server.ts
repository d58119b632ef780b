import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { queueStatus } from '../queue/status';
import { redactRedisUrl } from '../queue/connection';
import { LIVE_PAGE } from './page';
import { findStudies, studyView, type StudyView } from './snapshot';

/** What the page receives, as one server-sent event each time it changes. */
export interface ServeSnapshot {
  folders: string[];
  studies: StudyView[];
  /** The Redis queue followed (password hidden), and when it could not be read, why. */
  queue?: { url: string; error?: string };
}

export interface ServeOptions {
  /** Folders to look for studies in (their study.json), recursively. */
  folders: string[];
  /** 0: a free port. */
  port: number;
  /** A Redis queue whose per-study counts the page shows. */
  queueUrl?: string;
  /** How often the folders are read again (milliseconds). */
  pollMs?: number;
  /** How often the queue is read again (milliseconds; each read loads every run the queue keeps). */
  queuePollMs?: number;
}

export interface LiveServer {
  url: string;
  close(): Promise<void>;
}

/** The browser builds of Vega, Vega-Lite and vega-embed, served from the installed packages. */
const VENDOR: Record<string, [string, string]> = {
  'vega.min.js': ['vega', 'build/vega.min.js'],
  'vega-lite.min.js': ['vega-lite', 'build/vega-lite.min.js'],
  'vega-embed.min.js': ['vega-embed', 'build/vega-embed.min.js'],
};

/** An installed package's folder (its `exports` may hide the build files from require.resolve). */
function packageDir(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (dir !== path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    // The installed folder (node_modules/<name>), not a build folder's own package.json.
    if (dir.endsWith(path.join('node_modules', name)) && fs.existsSync(manifest)) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the folder of the installed package ${name}`);
}

/**
 * `prunebench serve`: a local web page of every study under the folders — each run's state and,
 * while it trains, its loss; the results and Figure 2 (interactive: hover a seed's dot for its
 * run) as runs finish; a Redis queue's counts. Hono serves it on 127.0.0.1 only; the page
 * follows changes through server-sent events (one `snapshot` event whenever anything changed).
 */
export async function startLiveServer(options: ServeOptions): Promise<LiveServer> {
  const folders = options.folders.map((f) => path.resolve(f));
  for (const folder of folders) if (!fs.existsSync(folder)) fs.mkdirSync(folder, { recursive: true });
  const pollMs = options.pollMs ?? 1000;
  let queueCounts: Awaited<ReturnType<typeof queueStatus>> = [];
  let queueError: string | undefined;

  const snapshot = (): ServeSnapshot => {
    const studies = findStudies(folders).flatMap(({ root, dir }) => {
      const view = studyView(root, dir);
      if (!view) return [];
      const queued = queueCounts.find((q) => path.resolve(q.out) === dir);
      return [queued ? { ...view, queue: { queued: queued.queued, running: queued.running, done: queued.done, failed: queued.failed } } : view];
    });
    return { folders, studies, ...(options.queueUrl ? { queue: { url: redactRedisUrl(options.queueUrl), ...(queueError ? { error: queueError } : {}) } } : {}) };
  };

  // One reader for every page open: the folders are read once per tick, and each page is sent
  // the snapshot only when it differs from the last one it got.
  let current = JSON.stringify(snapshot());
  const listeners = new Set<(data: string) => void>();
  const tick = setInterval(() => {
    try {
      const next = JSON.stringify(snapshot());
      if (next === current) return;
      current = next;
      for (const listener of listeners) listener(current);
    } catch {
      // a folder changing under the reader: the next tick reads it again
    }
  }, pollMs);
  // Often enough to catch a run while a worker has it; one read at a time, however slow Redis is.
  let reading = false;
  const queueTick = options.queueUrl ? setInterval(() => void refreshQueue(), options.queuePollMs ?? 2000) : undefined;
  async function refreshQueue() {
    if (reading) return;
    reading = true;
    try {
      queueCounts = await queueStatus(options.queueUrl!);
      queueError = undefined;
    } catch (error) {
      // Counts from before Redis stopped answering would pass for current ones: the page says why there are none.
      queueCounts = [];
      queueError = (error as Error).message;
    } finally {
      reading = false;
    }
  }
  if (options.queueUrl) await refreshQueue();

  const app = new Hono();
  app.get('/', (c) => c.html(LIVE_PAGE));
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/api/snapshot', (c) => c.body(current, 200, { 'content-type': 'application/json' }));
  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      let id = 0;
      const send = (data: string) => void stream.writeSSE({ event: 'snapshot', data, id: String(++id) });
      send(current);
      listeners.add(send);
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      listeners.delete(send);
    }),
  );
  app.get('/vendor/:file', (c) => {
    const entry = VENDOR[c.req.param('file')];
    if (!entry) return c.notFound();
    return c.body(fs.readFileSync(path.join(packageDir(entry[0]), entry[1]), 'utf8'), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' });
  });

  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(tick);
        if (queueTick) clearInterval(queueTick);
        listeners.clear();
        // Open event streams would keep the server up: end them.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
