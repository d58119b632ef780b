// Entry of the thread `probeBackend` starts: loads the backend a worker was told to use, says
// what it got, and ends (the thread's tfjs engine, GPU included, goes with it).
import { parentPort, workerData } from 'node:worker_threads';
import { describeChoice, selectBackend, type BackendName } from '../backend/select';

export type ProbeResult = { ok: true; description: string } | { ok: false; message: string };

const post = (result: ProbeResult) => parentPort!.postMessage(result);
selectBackend((workerData as { backend: BackendName }).backend).then(
  (selection) => post({ ok: true, description: describeChoice(selection) }),
  (error) => post({ ok: false, message: (error as Error)?.message ?? String(error) }),
);
