import type { ConformanceCheck } from './component-checks';
import { useCpuBackend } from './environment';

// The jest globals, declared here so the kit's types do not require @types/jest of its users.
declare const describe: (name: string, body: () => void) => void;
declare const it: (name: string, body: () => Promise<void>, timeout?: number) => void;
declare const beforeAll: (body: () => Promise<void>) => void;

/** Registers `checks` as one jest `describe` of `it`s, on the deterministic `cpu` backend. */
export function registerSuite(title: string, checks: ConformanceCheck[], timeout = 30000): void {
  describe(title, () => {
    beforeAll(useCpuBackend);
    for (const check of checks) it(check.name, check.run, timeout);
  });
}
