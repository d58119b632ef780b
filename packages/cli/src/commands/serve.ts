import * as fs from 'node:fs';
import { UsageError } from '@prunebench/core';
import { queueUrlFrom, startLiveServer } from '@prunebench/harness';
import type { Command } from 'commander';
import type { Io } from '../io';

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected a port number 0–65535 (0: a free one), got "${text}"`);
  return port;
}

/**
 * `prunebench serve [DIR...] [--port N] [--queue URL]`: a live web page, on this machine only
 * (127.0.0.1), of every study under the folders. Runs until Ctrl-C.
 */
export function registerServeCommand(program: Command, io: Io): void {
  program
    .command('serve')
    .description('a live web page (localhost only) of every study under the folders: runs, progress, results, figures')
    .argument('[dirs...]', 'folders to look for studies in (default: ./prunebench-results and ./results, else .)')
    .option('-p, --port <n>', 'port on 127.0.0.1 (default: a free one)')
    .option('-q, --queue <url>', 'also show this Redis queue\'s counts (default: $PRUNEBENCH_REDIS_URL)')
    .action(async (dirs: string[], options: { port?: string; queue?: string }) => {
      const folders = dirs.length ? dirs : ['prunebench-results', 'results'].filter((d) => fs.existsSync(d));
      const server = await startLiveServer({ folders: folders.length ? folders : ['.'], port: parsePort(options.port), queueUrl: queueUrlFrom(options.queue) });
      io.out(`prunebench: serving ${folders.length ? folders.join(', ') : '.'} at ${server.url} (this machine only; Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
