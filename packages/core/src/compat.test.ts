import * as fs from 'node:fs';
import * as path from 'node:path';
import { withDeprecatedFlops } from './compat';

const repo = path.resolve(__dirname, '..', '..', '..');
const DEPRECATED = /\b(ChannelSelection|OriginalSchedule|applyChannelSelection|withDeprecatedFlops)\b/;

/** Every TypeScript source of the repository (packages, benchmarks, examples), built output and dependencies left out. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('compat: the deprecated names of plugin API 2', () => {
  it('are used nowhere in the repository but in compat.ts (and count-cost.ts, which adds the flops field)', () => {
    const allowed = new Set(['packages/core/src/compat.ts', 'packages/core/src/compat.test.ts', 'packages/core/src/index.ts', 'packages/core/src/cost/count-cost.ts']);
    const users = ['packages', 'benchmarks', 'examples']
      .flatMap((dir) => sources(path.join(repo, dir)))
      .map((file) => path.relative(repo, file).split(path.sep).join('/'))
      .filter((file) => !allowed.has(file) && DEPRECATED.test(fs.readFileSync(path.join(repo, file), 'utf8')));
    expect(users).toEqual([]);
  });

  it('keeps flops as a hidden alias of macs: readable, not in JSON', () => {
    const cost = withDeprecatedFlops({ params: 1, macs: 42 });
    expect(cost.flops).toBe(42);
    expect(JSON.parse(JSON.stringify(cost))).toEqual({ params: 1, macs: 42 });
  });
});
