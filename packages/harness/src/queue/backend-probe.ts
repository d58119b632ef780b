import { Worker } from 'node:worker_threads';
import { BackendError } from '@prunebench/core';
import type { BackendName } from '../backend/select';
import type { ProbeResult } from './backend-probe-thread';
import { queueThreadScript } from './thread-script';

/**
 * Loads `backend` in a throwaway worker thread, as each run's thread will, and describes what it
 * got; throws a BackendError saying why when it does not load. A queue worker told to use a
 * backend checks it before it takes runs: one that cannot load it would otherwise take every run
 * it is offered and fail each one. A thread, so the worker's own thread keeps no tfjs engine
 * (nor a GPU context) of its own.
 */
export async function probeBackend(backend: BackendName): Promise<string> {
  const thread = new Worker(queueThreadScript('backend-probe-thread'), { workerData: { backend } });
  try {
    const result = await new Promise<ProbeResult>((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`the backend check's thread exited (code ${code}) before it answered`)));
    });
    if (!result.ok) throw new BackendError(`this worker cannot use --backend ${backend}: ${result.message}`);
    return result.description;
  } finally {
    await thread.terminate();
  }
}
