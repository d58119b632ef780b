import { watchForStall } from './stall-watch';
import { boundedByStop } from './stop-bound';
import type { JobRunner } from './dispatcher';
import type { Job } from './jobs';

describe('the stall watch', () => {
  it('fails work that makes no progress for the limit, saying what it was doing, and calls onStall once', async () => {
    const onStall = jest.fn();
    const never = new Promise<never>(() => {});
    const at = performance.now();
    await expect(watchForStall(never, { seconds: 0.2, lastProgressAt: () => at, doing: () => 'prune x', onStall })).rejects.toThrow(
      'stalled: no progress for 0.2 s (stallSeconds) during prune x; the run was stopped',
    );
    expect(onStall).toHaveBeenCalledTimes(1);
  });

  it('lets slow work that keeps making progress finish', async () => {
    let last = performance.now();
    const beats = setInterval(() => (last = performance.now()), 30);
    const slow = new Promise<string>((resolve) => setTimeout(() => resolve('done'), 600));
    await expect(watchForStall(slow, { seconds: 0.2, lastProgressAt: () => last, doing: () => 'x' })).resolves.toBe('done');
    clearInterval(beats);
  });
});

describe('a stop signal bounds the runs in flight', () => {
  const job = { id: 'prune-1' } as Job;
  it('abandons a run still going after the grace, closing its runner', async () => {
    const close = jest.fn(async () => {});
    const hung: JobRunner = { run: () => new Promise(() => {}), close };
    const stop = new AbortController();
    const run = boundedByStop(hung, stop.signal, 0.1).run(job, () => {});
    stop.abort();
    await expect(run).rejects.toThrow('abandoned: the study was stopped and this run did not end within 0.1 s');
    expect(close).toHaveBeenCalled();
  });

  it('leaves a run that ends within the grace alone', async () => {
    const record = { id: 'prune-1', status: 'finished' } as never;
    const quick: JobRunner = { run: () => new Promise((resolve) => setTimeout(() => resolve(record), 50)), close: async () => {} };
    const stop = new AbortController();
    stop.abort();
    await expect(boundedByStop(quick, stop.signal, 1).run(job, () => {})).resolves.toBe(record);
  });
});
