import { UsageError } from '@prunebench/core';
import { parseQueueUrl, queueUrlFrom, redactRedisUrl } from './connection';

describe('queue URLs', () => {
  it('reads host, port, database, user and password from redis://', () => {
    const { options, display } = parseQueueUrl('redis://alice:p%40ss-word@cache.local:6380/3');
    expect(options).toMatchObject({ host: 'cache.local', port: 6380, db: 3, username: 'alice', password: 'p@ss-word', maxRetriesPerRequest: null });
    expect(options).not.toHaveProperty('tls');
    expect(display).toBe('redis://alice:***@cache.local:6380/3');
  });

  it('turns on TLS for rediss:// and defaults the port', () => {
    const { options, display } = parseQueueUrl('rediss://:s3cret@redis.example.org');
    expect(options).toMatchObject({ host: 'redis.example.org', port: 6379, password: 's3cret', tls: { servername: 'redis.example.org' } });
    expect(options).not.toHaveProperty('username');
    expect(display).not.toContain('s3cret');
  });

  it('keeps reconnecting, backing off to 2 s', () => {
    const { retryStrategy: retry } = parseQueueUrl('redis://localhost:7000').options as { retryStrategy: (times: number) => number };
    expect([1, 5, 50].map(retry)).toEqual([200, 1000, 2000]);
  });

  it('refuses what is not a Redis URL, without echoing a password', () => {
    expect(() => parseQueueUrl('http://:hunter2@host:80')).toThrow(UsageError);
    expect(() => parseQueueUrl('http://:hunter2@host:80')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => parseQueueUrl('http://:hunter2@host:80')).not.toThrow(/hunter2/);
    expect(() => parseQueueUrl('redis://:hunter2@host/notadb')).toThrow(/database number/);
    expect(() => parseQueueUrl('not a url hunter2')).toThrow(UsageError);
    expect(() => parseQueueUrl('not a url hunter2')).not.toThrow(/hunter2/);
  });

  it('redacts only the password', () => {
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactRedisUrl('redis://default:topsecret@127.0.0.1:6379')).toBe('redis://default:***@127.0.0.1:6379');
  });

  it('takes --queue first, then PRUNEBENCH_REDIS_URL', () => {
    expect(queueUrlFrom('redis://a:1', { PRUNEBENCH_REDIS_URL: 'redis://b:2' })).toBe('redis://a:1');
    expect(queueUrlFrom(undefined, { PRUNEBENCH_REDIS_URL: 'redis://b:2' })).toBe('redis://b:2');
    expect(queueUrlFrom(undefined, { PRUNEBENCH_REDIS_URL: '' })).toBeUndefined();
  });
});
