import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeCycle, findCycles, importCycles } from './import-cycles';

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
