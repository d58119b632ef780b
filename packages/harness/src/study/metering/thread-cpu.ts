import * as fs from 'node:fs';

/**
 * CPU time of the calling thread, in seconds, so a pruner's work outside the tfjs engine (its own
 * linear algebra in JavaScript) shows beside the engine MACs it ran. On Linux: the thread's
 * scheduler run time (`/proc/thread-self/schedstat`, nanoseconds), else its user + system clock
 * ticks (`/proc/thread-self/stat`, 1/100 s); elsewhere the whole process's (`process.cpuUsage`),
 * which also counts other threads and says so in `scope`.
 */
export interface CpuClock {
  seconds: number;
  scope: 'thread' | 'process';
}

export function threadCpuTime(): CpuClock {
  try {
    const ns = Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
    if (Number.isFinite(ns) && ns > 0) return { seconds: ns / 1e9, scope: 'thread' };
  } catch {
    // not Linux, or no scheduler statistics: try the tick counts
  }
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    if (Number.isFinite(ticks)) return { seconds: ticks / 100, scope: 'thread' };
  } catch {
    // not Linux
  }
  const usage = process.cpuUsage();
  return { seconds: (usage.user + usage.system) / 1e6, scope: 'process' };
}

/** The CPU time `work` took on this thread (its awaits included: one job per thread, as the runners run them). */
export async function measureCpu<T>(work: () => Promise<T>): Promise<{ result: T; cpu: CpuClock }> {
  const start = threadCpuTime();
  const result = await work();
  const end = threadCpuTime();
  return { result, cpu: { seconds: Math.max(0, end.seconds - start.seconds), scope: start.scope === 'thread' && end.scope === 'thread' ? 'thread' : 'process' } };
}
