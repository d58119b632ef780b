import { UsageError } from '@prunebench/core';
import { queueStatus, queueUrlFrom, redactRedisUrl, REDIS_URL_ENV } from '@prunebench/harness';
import type { Command } from 'commander';
import { formatTable, printJson, type Io } from '../io';

/** `prunebench status`: per study on the queue, its runs queued, running, done and failed. */
export function registerStatusCommand(program: Command, io: Io): void {
  program
    .command('status')
    .description('show the studies on a Redis queue: runs queued, running, done and failed')
    .option('-q, --queue <url>', `redis://HOST:PORT or rediss://:PASSWORD@HOST:PORT (default: $${REDIS_URL_ENV})`)
    .option('--json', 'print one JSON document')
    .action(async (options: { queue?: string; json?: boolean }) => {
      const url = queueUrlFrom(options.queue);
      if (!url) throw new UsageError(`give the queue: --queue redis://HOST:PORT, or set ${REDIS_URL_ENV}`);
      const studies = await queueStatus(url);
      if (options.json) return printJson(io, { queue: redactRedisUrl(url), studies });
      if (!studies.length) return io.out(`No studies on ${redactRedisUrl(url)}.\n`);
      io.out(
        formatTable(
          ['study (results folder)', 'runs', 'queued', 'running', 'done', 'failed'],
          studies.map((s) => [s.out, String(s.totalJobs), String(s.queued), String(s.running), String(s.done), String(s.failed)]),
        ),
      );
      for (const s of studies) for (const f of s.failures) io.out(`failed in ${s.out}: ${f.run}: ${f.reason}\n`);
      io.out('Runs finished before they were queued, and runs waiting for the run they build on, are not in the queue.\n');
    });
}
