import { UsageError } from '@prunebench/core';
import type { ConnectionOptions } from 'bullmq';

/** Where the queue lives, read from `--queue` or `PRUNEBENCH_REDIS_URL`. */
export interface QueueConnection {
  /** ioredis options for BullMQ (password included: never print this object). */
  options: ConnectionOptions;
  /** The URL with any password replaced by `***`: the only form that is logged or stored. */
  display: string;
}

export const REDIS_URL_ENV = 'PRUNEBENCH_REDIS_URL';

/** The `--queue` value, else `PRUNEBENCH_REDIS_URL`, else undefined (no queue: a local run). */
export function queueUrlFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flag ?? (env[REDIS_URL_ENV] || undefined);
}

/** `redis://user:secret@host:6380/2` → `redis://user:***@host:6380/2`; anything unparsable is hidden whole. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable queue URL)';
  }
}

/**
 * Parses `redis://[user[:password]@]host[:port][/db]` or `rediss://…` (TLS) into the options
 * BullMQ passes to ioredis. Workers and the coordinator keep trying to reconnect while Redis is
 * down (ioredis's retry strategy; `maxRetriesPerRequest: null`, as BullMQ requires for workers).
 */
export function parseQueueUrl(url: string): QueueConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue must be a URL like redis://HOST:PORT or rediss://:PASSWORD@HOST:PORT (got ${redactRedisUrl(url)})`);
  }
  const display = redactRedisUrl(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`--queue must start with redis:// or rediss:// (TLS), got ${display}`);
  }
  if (!parsed.hostname) throw new UsageError(`--queue names no host: ${display}`);
  const db = parsed.pathname.replace(/^\//, '');
  if (db && !/^\d+$/.test(db)) throw new UsageError(`--queue: the path must be a database number (redis://HOST:PORT/2), got ${display}`);
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const options: ConnectionOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: { servername: parsed.hostname } } : {}),
    maxRetriesPerRequest: null,
    // Reconnect forever, backing off to one attempt every 2 s (Redis restarted, network blip).
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
  return { options, display };
}
