import * as tf from '@tensorflow/tfjs-core';
import { BackendError, type BackendProvider, type LoadedBackend } from '@prunebench/core';
import { STOCK_WASM_ENV } from '@prunebench/backend-wasm';
import { BACKEND_PROVIDERS } from './providers';

/**
 * What a config's `backend` and `--backend` accept: `auto`, then every provider in
 * `BACKEND_PROVIDERS` order (a test keeps the two lists equal; names are literals so the type is).
 */
export const BACKEND_NAMES = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
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
  /** tfjs's name for it (`tensorflow`, `wasm`, `cpu`, `webgpu`). */
  tfjsBackend: string;
  /** What its provider loaded: kernels, device, driver, whether on a GPU and on hardware. */
  loaded: LoadedBackend;
  /** Every backend tried, in order, with the reason it was or was not chosen. */
  attempts: BackendAttempt[];
  /** wasm only: whether prunebench's accelerated training kernels are registered (see `STOCK_WASM_ENV`). */
  acceleratedKernels?: boolean;
  /** What was asked for (`auto` or a name). */
  requested?: BackendName;
}

/** Fastest first: what `auto` tries (the providers' list order). */
export const AUTO_ORDER: readonly ConcreteBackendName[] = BACKEND_PROVIDERS.map((p) => p.name as ConcreteBackendName);

/** Hooks that run after a backend is set. */
const afterSelect: Array<(selection: BackendSelection) => void> = [];
export function onBackendSelected(hook: (selection: BackendSelection) => void): void {
  afterSelect.push(hook);
}

/**
 * Why a loaded backend is not taken (null: it is). A GPU backend must compute on a GPU, whoever
 * asked; `auto` also leaves a software adapter (a CPU emulation, slower than wasm) alone.
 */
export function refusal(provider: BackendProvider, loaded: LoadedBackend, auto: boolean): string | null {
  if (provider.gpu && !loaded.gpu) return `not on a GPU: ${loaded.caveat ?? 'its load() found no GPU device'}`;
  if (auto && !loaded.hardware) return `${loaded.device ?? 'the device'} is a ${loaded.caveat ?? 'software device'} (--backend ${provider.name} uses it)`;
  return null;
}

function shortReason(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).split('\n')[0];
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
 * Sets the tfjs backend through its provider. `auto` tries the providers in their list's order
 * (tensorflow-gpu, webgpu, tensorflow, wasm, cpu) and takes the first that loads and is verified:
 * a GPU backend only when it computes on a GPU, and under `auto` only on a hardware adapter. A
 * named backend must load (and a GPU one compute on a GPU) or this throws a BackendError saying why.
 */
export async function selectBackend(requested: BackendName = 'auto', providers: readonly BackendProvider[] = BACKEND_PROVIDERS): Promise<BackendSelection> {
  const known = ['auto', ...providers.map((p) => p.name)];
  if (!known.includes(requested)) {
    throw new BackendError(`unknown backend "${requested}" (known: ${known.join(', ')})`);
  }
  silenceCpuBackendBanner();
  const auto = requested === 'auto';
  const candidates = auto ? providers : providers.filter((p) => p.name === requested);
  const attempts: BackendAttempt[] = [];
  for (const provider of candidates) {
    const name = provider.name as ConcreteBackendName;
    let loaded: LoadedBackend;
    try {
      loaded = await provider.load();
    } catch (error) {
      attempts.push({ name, ok: false, reason: shortReason(error) });
      continue;
    }
    const refused = refusal(provider, loaded, auto);
    if (refused) {
      attempts.push({ name, ok: false, reason: refused });
      continue;
    }
    attempts.push({ name, ok: true, reason: 'selected' });
    const selection: BackendSelection = { name, tfjsBackend: loaded.tfjsBackend, loaded, attempts, requested };
    if (loaded.tfjsBackend === 'wasm') selection.acceleratedKernels = loaded.trainingKernels !== undefined;
    for (const hook of afterSelect) hook(selection);
    return selection;
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
  const { device, driver, hardware, caveat } = selection.loaded;
  const on = device ? ` on ${device}${driver ? `, driver ${driver}` : ''}${!hardware && caveat ? ` — ${caveat}` : ''}` : '';
  if (selection.requested !== 'auto') return `${selection.name}${kernels}${on} (as configured)`;
  const skipped = selection.attempts.filter((a) => !a.ok);
  const byReason = new Map<string, string[]>();
  for (const a of skipped) byReason.set(a.reason, [...(byReason.get(a.reason) ?? []), a.name]);
  const why = [...byReason].map(([reason, names]) => `${names.join(', ')}: ${reason}`).join('; ');
  return `${selection.name}${kernels}${on} (auto: the fastest that loads and is verified${why ? `; ${why}` : ''})`;
}

/** Training speed of tfjs's pure-JS cpu backend next to wasm with prunebench's kernels, for warnings. */
export const CPU_TRAINING_WARNING =
  'warning: training on the cpu backend is ~500× slower than wasm on this kind of machine (a tiny LeNet study made under one epoch in ten minutes); ' +
  'use --backend wasm (or auto) unless you need the pure-JS reference numbers';

/** One line per attempt, for logs: `wasm: selected`, `tensorflow: not installed (...)`. */
export function describeSelection(selection: BackendSelection): string {
  return selection.attempts.map((a) => `${a.name}: ${a.reason}`).join('\n');
}
