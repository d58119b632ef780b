import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeCycle, findCycles, importCycles, importGraph, reachableFrom, sourceFiles } from './import-cycles';

const ROOT = path.resolve(__dirname, '../..');

/** Every package of the repository: the workspaces, the example plugins and the plugin template. */
function packageSourceDirs(): string[] {
  return ['packages', 'examples']
    .flatMap((group) => fs.readdirSync(path.join(ROOT, group), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(ROOT, group, e.name)))
    .flatMap((pkg) => [path.join(pkg, 'src'), path.join(pkg, 'template', 'src')])
    .filter((dir) => fs.existsSync(dir));
}

describe('import cycles', () => {
  it('are found in a fixture that has one (through an `import type`), and named in import order', () => {
    const cycles = importCycles(path.join(__dirname, 'fixture'));
    expect(cycles.map(describeCycle)).toEqual(['src/a.ts → src/b.ts → src/sub/c.ts → src/a.ts']);
  });

  it('are not reported where there is none, and a file importing itself is one', () => {
    expect(findCycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([]);
    expect(findCycles(new Map([['a', ['a']]]))).toEqual([['a']]);
    expect(findCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['b']], ['d', ['e']], ['e', ['d']]]))).toEqual([['b', 'c'], ['d', 'e']]);
  });

  it.each(packageSourceDirs().map((dir) => [path.relative(ROOT, dir)]))('do not exist in %s', (dir) => {
    const cycles = importCycles(path.join(ROOT, dir), ROOT);
    expect(cycles.map(describeCycle)).toEqual([]);
  });
});

describe('the study toolkit', () => {
  // Job kinds (packages/harness/src/study/kinds/) use the toolkit; the toolkit never reaches back
  // into a kind, so a kind can be added or removed without touching it.
  const study = path.join(ROOT, 'packages', 'harness', 'src', 'study');
  const graph = importGraph(sourceFiles(path.join(ROOT, 'packages', 'harness', 'src')));
  it.each([['execution.ts'], ['job-definition.ts'], ['cost-model.ts'], ['seed-streams.ts']])('%s imports no job kind, directly or through other files', (file) => {
    const kinds = [...reachableFrom(graph, path.join(study, file))].filter((f) => f.startsWith(path.join(study, 'kinds') + path.sep));
    expect(kinds.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it('is found to reach a kind when it does (the check can fail)', () => {
    expect([...reachableFrom(new Map([['toolkit', ['helper']], ['helper', ['kinds/x']], ['kinds/x', ['toolkit']]]), 'toolkit')].sort()).toEqual(['helper', 'kinds/x', 'toolkit']);
  });
});
