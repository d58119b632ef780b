// Entry of a study worker thread: its own tfjs engine, the main thread's definition and plugins,
// one job at a time.
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import type { StudyDefinition } from './definition';
import { openStudyFromDefinition, prepareBackend } from './environment';
import { backendMismatch } from './identity';
import { executeJob } from './run-job';
import type { FromWorker, ToWorker } from './runners';
import { ResultStore } from './store';
import { onProgress } from '../util/heartbeat';

// The definition the main thread resolved and hashed: the config file is never read again here.
const { study, outDir } = workerData as { study: StudyDefinition; outDir: string };
const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);

// Signs of life for the main thread's stall watch: at most one message a second.
let beatSentAt = 0;
onProgress(() => {
  const now = performance.now();
  if (now - beatSentAt < 1000) return;
  beatSentAt = now;
  post({ type: 'beat' });
});

const ready = (async () => {
  const env = await openStudyFromDefinition(study);
  const selection = await prepareBackend(env.study);
  const mismatch = backendMismatch(study, selection);
  if (mismatch) throw new Error(mismatch);
  return { env, selection, store: new ResultStore(outDir) };
})();

port.on('message', async (message: ToWorker) => {
  if (message.type !== 'run') return;
  try {
    const { env, selection, store } = await ready;
    const record = await executeJob(message.job, {
      ...env,
      selection,
      store,
      onEvent: (event) => post({ type: 'event', event }),
    });
    post({ type: 'result', record });
  } catch (error) {
    post({ type: 'error', message: (error as Error)?.message ?? String(error), stack: (error as Error)?.stack });
  }
});
