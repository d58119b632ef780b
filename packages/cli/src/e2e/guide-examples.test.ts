/**
 * The self-training pruner of docs/writing-a-plugin.md ("A pruner that trains"), taken from the
 * guide as written and run through the conformance kit — its leak check included, with tfjs's
 * momentum optimizer inside core's `trainWithSgd` — so the guide's example cannot drift.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { failedChecks, prunerConformanceChecks, useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import prunersPlugin from '@prunebench/pruners';
import type { PrunerClass } from '@prunebench/core';

const repo = path.resolve(__dirname, '..', '..', '..', '..');
const guide = fs.readFileSync(path.join(repo, 'docs', 'writing-a-plugin.md'), 'utf8');

/** The first ```ts block after `heading` in the guide. */
function codeAfter(heading: string): string {
  const at = guide.indexOf(heading);
  if (at < 0) throw new Error(`docs/writing-a-plugin.md has no "${heading}"`);
  const match = /```ts\n([\s\S]*?)```/.exec(guide.slice(at));
  if (!match) throw new Error(`no ts block after "${heading}"`);
  return match[1];
}

const source = codeAfter('### A pruner that trains');
// Written where the repo's node_modules resolve its imports (.generated/ is git-ignored).
const file = path.join(repo, 'packages', 'cli', '.generated', 'guide-slim-pruner.ts');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, source);

beforeAll(() => useBackend(wasmBackend));

describe("the guide's self-training pruner", () => {
  it('is under 80 lines', () => {
    expect(source.trimEnd().split('\n').length).toBeLessThan(80);
  });

  it('passes every pruner check of the kit (no leaked tensor with the momentum optimizer), charging exactly its training', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SlimPruner } = require(file) as { SlimPruner: PrunerClass };
    const checks = prunerConformanceChecks({ componentClass: SlimPruner, options: { plan: { use: 'uniform', ratio: 0.5 } }, invalidOptions: [{ plan: 'uniform', penalty: -1 }], plugins: [prunersPlugin] });
    expect(checks.map((c) => c.name)).toEqual(expect.arrayContaining(['leaks no tensors']));
    expect(await failedChecks(checks)).toEqual({});
  }, 180_000);
});
