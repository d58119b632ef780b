import type { ConformanceCheck } from './component-checks';
import * as tf from '@tensorflow/tfjs-core';

// The jest globals, declared here so the kit's types do not require @types/jest of its users.
declare const describe: (name: string, body: () => void) => void;
declare const it: (name: string, body: () => Promise<void>, timeout?: number) => void;
declare const beforeAll: (body: () => Promise<void>) => void;

/**
 * Registers `checks` as one jest `describe` of `it`s, on the backend its caller set up (in a
 * `beforeAll` before the suite: `useBackend(wasmBackend)` for the backend users get — a check that
 * passes only on `cpu` would not say the plugin works). A suite whose caller set up no backend
 * fails, naming what to do, rather than running on whichever backend tfjs would pick.
 */
export function registerSuite(title: string, checks: ConformanceCheck[], timeout = 30000, options: { loadsItsBackend?: boolean } = {}): void {
  describe(title, () => {
    if (!options.loadsItsBackend) beforeAll(async () => requireBackendSetUp(title));
    for (const check of checks) it(check.name, check.run, timeout);
  });
}

function requireBackendSetUp(title: string): void {
  // engine().backendName stays null until a backend is set (tf.getBackend() would pick one).
  if (!tf.engine().backendName) {
    throw new Error(
      `${title}: no tfjs backend is set up. Set the backend your users get before the suite, e.g. ` +
        "beforeAll(() => useBackend(wasmBackend)) with useBackend from '@prunebench/core/testing' and wasmBackend from '@prunebench/backend-wasm'",
    );
  }
}
