import * as tf from '@tensorflow/tfjs-core';
import { BackendError, BACKEND_NAMES } from '@prunebench/core';
import { prepareWasmForTraining, STOCK_WASM_ENV } from '@prunebench/backend-wasm';

export type BackendName = (typeof BACKEND_NAMES)[number];
export type ConcreteBackendName = Exclude<BackendName, 'auto'>;

export interface BackendAttempt {
  name: ConcreteBackendName;
  ok: boolean;
  /** Why it was not chosen (or "selected"). */
  reason: string;
}

export interface BackendSelection {
  /** The prunebench name of the chosen backend. */
  name: ConcreteBackendName;
  /** tfjs's name for it (`tensorflow`, `wasm`, `cpu`). */
  tfjsBackend: string;
  /** Every backend tried, in order, with the reason it was or was not chosen. */
  attempts: BackendAttempt[];
  /** wasm only: whether prunebench's accelerated training kernels are registered (see `STOCK_WASM_ENV`). */
  acceleratedKernels?: boolean;
  /** What was asked for (`auto` or a name). */
  requested?: BackendName;
}

/** Fastest first: what `auto` tries. */
export const AUTO_ORDER: readonly ConcreteBackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** Hooks that run after a backend is set, e.g. registering accelerated training kernels on wasm. */
const afterSelect: Array<(selection: BackendSelection) => void> = [];
export function onBackendSelected(hook: (selection: BackendSelection) => void): void {
  afterSelect.push(hook);
}

async function tryBackend(name: ConcreteBackendName): Promise<string> {
  let tfjsName: string;
  switch (name) {
    case 'tensorflow-gpu':
      require('@tensorflow/tfjs-node-gpu');
      tfjsName = 'tensorflow';
      break;
    case 'tensorflow':
      require('@tensorflow/tfjs-node');
      tfjsName = 'tensorflow';
      break;
    case 'wasm':
      require('@tensorflow/tfjs-backend-wasm');
      tfjsName = 'wasm';
      break;
    case 'cpu':
      require('@tensorflow/tfjs-backend-cpu');
      tfjsName = 'cpu';
      break;
  }
  if (!(await tf.setBackend(tfjsName))) throw new Error(`tfjs could not initialise the "${tfjsName}" backend`);
  await tf.ready();
  return tfjsName;
}

function shortReason(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  if (err?.code === 'MODULE_NOT_FOUND' && /tfjs-node/.test(err.message)) {
    return 'not installed (an optional dependency: its install downloads libtensorflow, which this machine could not)';
  }
  return (err?.message ?? String(error)).split('\n')[0];
}

/**
 * tfjs's cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js ..." (via
 * console.warn, a stack trace under jest) the first time it holds data. prunebench chooses the
 * backend itself and says which and why in its start line, so the banner is only noise: mark
 * the backend as already used. Idempotent; other tfjs warnings are kept.
 */
export function silenceCpuBackendBanner(): void {
  require('@tensorflow/tfjs-backend-cpu');
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
}

/**
 * Sets the tfjs backend. `auto` tries tensorflow-gpu → tensorflow → wasm → cpu and takes the
 * first that loads; a named backend must load or this throws a BackendError saying why.
 */
export async function selectBackend(requested: BackendName = 'auto'): Promise<BackendSelection> {
  if (!(BACKEND_NAMES as readonly string[]).includes(requested)) {
    throw new BackendError(`unknown backend "${requested}" (known: ${BACKEND_NAMES.join(', ')})`);
  }
  silenceCpuBackendBanner();
  const candidates = requested === 'auto' ? AUTO_ORDER : [requested as ConcreteBackendName];
  const attempts: BackendAttempt[] = [];
  for (const name of candidates) {
    try {
      const tfjsBackend = await tryBackend(name);
      attempts.push({ name, ok: true, reason: 'selected' });
      const selection: BackendSelection = { name, tfjsBackend, attempts, requested };
      // Training on stock wasm is impossible (no Conv2DBackpropFilter) or slow: use ours,
      // unless PRUNEBENCH_STOCK_WASM=1.
      if (tfjsBackend === 'wasm') {
        selection.acceleratedKernels = prepareWasmForTraining();
      }
      for (const hook of afterSelect) hook(selection);
      return selection;
    } catch (error) {
      attempts.push({ name, ok: false, reason: shortReason(error) });
    }
  }
  throw new BackendError(
    `no tfjs backend could be initialised for "${requested}": ` +
      attempts.map((a) => `${a.name}: ${a.reason}`).join('; '),
  );
}

/**
 * The backend chosen and why, for a start line:
 * `wasm with prunebench's training kernels (auto: the fastest that loads; tensorflow-gpu, tensorflow: not installed (...))`
 * or `cpu (as configured)`.
 */
export function describeChoice(selection: BackendSelection): string {
  const kernels = selection.acceleratedKernels === undefined ? '' : selection.acceleratedKernels ? " with prunebench's training kernels" : ` with stock kernels (${STOCK_WASM_ENV}=1)`;
  if (selection.requested !== 'auto') return `${selection.name}${kernels} (as configured)`;
  const skipped = selection.attempts.filter((a) => !a.ok);
  const byReason = new Map<string, string[]>();
  for (const a of skipped) byReason.set(a.reason, [...(byReason.get(a.reason) ?? []), a.name]);
  const why = [...byReason].map(([reason, names]) => `${names.join(', ')}: ${reason}`).join('; ');
  return `${selection.name}${kernels} (auto: the fastest that loads${why ? `; ${why}` : ''})`;
}

/** Training speed of tfjs's pure-JS cpu backend next to wasm with prunebench's kernels, for warnings. */
export const CPU_TRAINING_WARNING =
  'warning: training on the cpu backend is ~500× slower than wasm on this kind of machine (a tiny LeNet study made under one epoch in ten minutes); ' +
  'use --backend wasm (or auto) unless you need the pure-JS reference numbers';

/** One line per attempt, for logs: `wasm: selected`, `tensorflow: not installed (...)`. */
export function describeSelection(selection: BackendSelection): string {
  return selection.attempts.map((a) => `${a.name}: ${a.reason}`).join('\n');
}
