import type { ConformanceCheck } from './component-checks';
import { useWasmBackend } from './environment';

// The jest globals, declared here so the kit's types do not require @types/jest of its users.
declare const describe: (name: string, body: () => void) => void;
declare const it: (name: string, body: () => Promise<void>, timeout?: number) => void;
declare const beforeAll: (body: () => Promise<void>) => void;

/**
 * Registers `checks` as one jest `describe` of `it`s, on the backend users get: `wasm` with
 * prunebench's kernels (a check that passes only on `cpu` would not say the plugin works).
 */
export function registerSuite(title: string, checks: ConformanceCheck[], timeout = 30000): void {
  describe(title, () => {
    beforeAll(useWasmBackend);
    for (const check of checks) it(check.name, check.run, timeout);
  });
}
