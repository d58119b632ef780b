/**
 * This thread's sign of life for the stall watch (study/stall-watch.ts): the trainer beats after
 * every optimizer step, evaluation after every batch, the component guard when a plugin's call
 * returns. Per thread (module state): a study worker thread forwards its beats to the main thread.
 */
let last = performance.now();
const listeners = new Set<() => void>();

/** Progress was made (a step, an evaluated batch, a component call returning). */
export function progressed(): void {
  last = performance.now();
  for (const listener of listeners) listener();
}

/** When this thread last made progress (performance.now() milliseconds). */
export function lastProgressAt(): number {
  return last;
}

/** Calls `listener` on every beat; returns what removes it. */
export function onProgress(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
