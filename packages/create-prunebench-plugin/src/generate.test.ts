import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generatePlugin, prunebenchVersion, PRUNEBENCH_DEPENDENCIES, tarballName } from './generate';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'create-prunebench-plugin-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('generatePlugin', () => {
  it('writes a package of its own: tsconfig, jest config, a criterion, a schedule and their tests, named after the folder', () => {
    const files = generatePlugin({ directory: path.join(dir, 'snip') });
    expect(files).toEqual(['.gitignore', 'README.md', 'jest.config.js', 'package.json', 'src/index.ts', 'src/max-abs-criterion.ts', 'src/plugin.test.ts', 'src/warmup-cosine-schedule.ts', 'tsconfig.json', 'tsconfig.test.json']);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'snip', 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'prunebench-plugin-snip', keywords: ['prunebench-plugin'], peerDependencies: { '@prunebench/core': `^${prunebenchVersion()}` } });
    expect(pkg.devDependencies['@prunebench/pruners']).toBe(`^${prunebenchVersion()}`);
    const text = files.map((f) => fs.readFileSync(path.join(dir, 'snip', f), 'utf8')).join('\n');
    expect(text).not.toMatch(/__[A-Z_]+__/); // every placeholder filled
    expect(text).not.toMatch(/\.\.\/\.\.\/|tsconfig\.base/); // nothing borrowed from the prunebench repo
    expect(fs.readFileSync(path.join(dir, 'snip', 'src', 'max-abs-criterion.ts'), 'utf8')).toMatch(/id = 'snip-max-abs'/);
    // A schedule plugin in 25 lines or fewer.
    expect(fs.readFileSync(path.join(dir, 'snip', 'src', 'warmup-cosine-schedule.ts'), 'utf8').split('\n').length).toBeLessThanOrEqual(25);
  });

  it('points the prunebench dependencies at packed tarballs when asked (before packages are on a registry)', () => {
    const packs = path.join(dir, 'packs');
    fs.mkdirSync(packs);
    for (const pkg of PRUNEBENCH_DEPENDENCIES) fs.writeFileSync(path.join(packs, tarballName(pkg, prunebenchVersion())), '');
    generatePlugin({ directory: path.join(dir, 'x'), name: '@acme/prunebench-plugin-x', tarballs: packs });
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'x', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('@acme/prunebench-plugin-x');
    expect(pkg.devDependencies['@prunebench/core']).toBe(`file:${path.join(dir, 'packs', tarballName('@prunebench/core', prunebenchVersion()))}`);
    expect(tarballName('@prunebench/core', '0.1.0')).toBe('prunebench-core-0.1.0.tgz');
  });

  it('refuses tarballs that are not there, naming each and the command that makes them', () => {
    const packs = path.join(dir, 'some-packs');
    fs.mkdirSync(packs);
    fs.writeFileSync(path.join(packs, tarballName('@prunebench/core', prunebenchVersion())), '');
    expect(() => generatePlugin({ directory: path.join(dir, 'z'), tarballs: packs })).toThrow(
      new RegExp(`lacks ${tarballName('@prunebench/backend-wasm', prunebenchVersion())}, ${tarballName('@prunebench/pruners', prunebenchVersion())}: .*npm run pack:all`),
    );
    expect(fs.existsSync(path.join(dir, 'z'))).toBe(false);
  });

  it('refuses a folder that is not empty and a name npm would refuse', () => {
    fs.writeFileSync(path.join(dir, 'keep.txt'), '');
    expect(() => generatePlugin({ directory: dir })).toThrow(/not empty/);
    expect(() => generatePlugin({ directory: path.join(dir, 'y'), name: 'Bad Name' })).toThrow(/not a valid npm package name/);
  });
});
