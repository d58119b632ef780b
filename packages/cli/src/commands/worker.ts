import { UsageError } from '@prunebench/core';
import { queueUrlFrom, REDIS_URL_ENV, startQueueWorker } from '@prunebench/harness';
import type { Command } from 'commander';
import type { Io } from '../io';
import { parseBackend, positiveNumber, wholeNumber } from '../flags';

interface WorkerOptions {
  queue?: string;
  concurrency: string;
  backend?: string;
  stallTimeout: string;
}

/** `prunebench worker`: takes study runs from a Redis queue until stopped. */
export function registerWorkerCommand(program: Command, io: Io): void {
  program
    .command('worker')
    .description('take runs of studies started with `prunebench run --queue` from a Redis queue, until stopped (Ctrl-C: finish the current runs; twice: hand them back)')
    .option('-q, --queue <url>', `redis://HOST:PORT or rediss://:PASSWORD@HOST:PORT (default: $${REDIS_URL_ENV})`)
    .option('-n, --concurrency <n>', 'runs at once, each in its own worker thread', '1')
    .option('-b, --backend <name>', 'tfjs backend for every run here, instead of the one the study names')
    .option('--stall-timeout <seconds>', 'a run whose worker is silent this long goes back to the queue', '30')
    .action(async (options: WorkerOptions) => {
      const url = queueUrlFrom(options.queue);
      if (!url) throw new UsageError(`give the queue: --queue redis://HOST:PORT, or set ${REDIS_URL_ENV}`);
      const concurrency = wholeNumber(options.concurrency, '--concurrency');
      const stallTimeoutMs = 1000 * positiveNumber(options.stallTimeout, '--stall-timeout');
      const log = (line: string) => io.err(`prunebench worker: ${line}\n`);
      const worker = startQueueWorker({ url, concurrency, backend: parseBackend(options.backend), stallTimeoutMs, log });
      let stopped: () => void = () => {};
      const done = new Promise<void>((resolve) => (stopped = resolve));
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
          log(`${signal}: finishing the current runs, taking no more (again: hand them back to the queue now)`);
          worker.stop('graceful').then(stopped, stopped);
        } else if (signals === 2) {
          log(`${signal}: handing the current runs back to the queue (again: exit now)`);
          worker.stop('forced').then(stopped, stopped);
        } else {
          process.exit(130);
        }
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        await worker.ready;
        await done;
        log('stopped');
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
