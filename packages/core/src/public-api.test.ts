import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from './index';
import * as config from './config/index';
import * as testing from './testing/index';

/** The names an entry file exports, types included, read from its export statements. */
function exportedNames(file: string): string[] {
  const source = fs.readFileSync(file, 'utf8');
  const names = [...source.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
    m[1]
      .split(',')
      .map((s) => s.trim().replace(/^type /, '').split(/\s+as\s+/).pop()!.trim())
      .filter(Boolean),
  );
  return [...new Set(names)];
}

const runtime = (module: object) => Object.keys(module).filter((name) => name !== '__esModule');
const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const listed = (name: string) => readme.includes(`\`${name}\``);

describe("core's public API", () => {
  it('the main entry holds at most 80 runtime names (the contract, nothing more)', () => {
    expect(runtime(core).length).toBeLessThanOrEqual(80);
  });

  it('every name the main entry, /config and /testing export is in the README', () => {
    const names = [
      ...runtime(core),
      ...exportedNames(path.join(__dirname, 'index.ts')),
      ...runtime(config),
      ...exportedNames(path.join(__dirname, 'config', 'index.ts')),
      ...runtime(testing),
      ...exportedNames(path.join(__dirname, 'testing', 'index.ts')),
    ];
    expect([...new Set(names)].filter((name) => !listed(name)).sort()).toEqual([]);
  });
});
