import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors';
import { BACKEND_NAMES } from '../config/schema';
import { registerAcceleratedWasmKernels, registerWasmCorrections } from './wasm/register';

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
 * Sets the tfjs backend. `auto` tries tensorflow-gpu → tensorflow → wasm → cpu and takes the
 * first that loads; a named backend must load or this throws a BackendError saying why.
 */
export async function selectBackend(requested: BackendName = 'auto'): Promise<BackendSelection> {
  if (!(BACKEND_NAMES as readonly string[]).includes(requested)) {
    throw new BackendError(`unknown backend "${requested}" (known: ${BACKEND_NAMES.join(', ')})`);
  }
  const candidates = requested === 'auto' ? AUTO_ORDER : [requested as ConcreteBackendName];
  const attempts: BackendAttempt[] = [];
  for (const name of candidates) {
    try {
      const tfjsBackend = await tryBackend(name);
      attempts.push({ name, ok: true, reason: 'selected' });
      const selection: BackendSelection = { name, tfjsBackend, attempts };
      // Training on stock wasm is impossible (no Conv2DBackpropFilter) or slow: use ours,
      // unless PRUNEBENCH_STOCK_WASM=1.
      if (tfjsBackend === 'wasm') {
        registerWasmCorrections();
        selection.acceleratedKernels = registerAcceleratedWasmKernels();
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

/** One line per attempt, for logs: `wasm: selected`, `tensorflow: not installed (...)`. */
export function describeSelection(selection: BackendSelection): string {
  return selection.attempts.map((a) => `${a.name}: ${a.reason}`).join('\n');
}
