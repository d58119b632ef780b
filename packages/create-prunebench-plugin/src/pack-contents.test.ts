import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** Test files and test helpers, by the repo's naming rules (`*.test.*`, `test-*`, `testing/fixtures.*` outside core's kit). */
const TEST_FILE = /(\.test\.)|(^|\/)test-[^/]*$|^dist\/testing\/fixtures\./;

describe('what every workspace package publishes', () => {
  it('npm pack --dry-run lists no test file or test helper, and lists the entry point', () => {
    const workspaces = (JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    const packed = JSON.parse(
      execFileSync(npm, ['pack', '--dry-run', '--json', '--workspaces', '--silent'], { cwd: repo, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } }),
    ) as Array<{ name: string; files: Array<{ path: string }> }>;
    expect(packed.map((p) => p.name).sort()).toEqual(workspaces.map((w) => JSON.parse(fs.readFileSync(path.join(repo, w, 'package.json'), 'utf8')).name).sort());
    for (const { name, files } of packed) {
      // The generator ships its template (a plugin's sources and tests) as content, not as its tests.
      const paths = files.map((f) => f.path).filter((p) => !(name === 'create-prunebench-plugin' && p.startsWith('template/')));
      expect({ name, tests: paths.filter((p) => TEST_FILE.test(p)) }).toEqual({ name, tests: [] });
      expect({ name, hasDist: paths.some((p) => p.startsWith('dist/') && p.endsWith('.js')) }).toEqual({ name, hasDist: true });
    }
  });

  it('the build leaves tests out of dist (each tsconfig excludes them)', () => {
    for (const dir of fs.readdirSync(path.join(repo, 'packages'))) {
      const tsconfig = JSON.parse(fs.readFileSync(path.join(repo, 'packages', dir, 'tsconfig.json'), 'utf8')) as { exclude?: string[] };
      expect({ dir, excludes: tsconfig.exclude ?? [] }).toEqual({ dir, excludes: expect.arrayContaining(['src/**/*.test.ts', 'src/**/test-*.ts']) });
    }
  });

  it('recognises what it must refuse', () => {
    for (const file of ['dist/a.test.js', 'dist/plugin/test-fixtures.d.ts', 'dist/testing/fixtures.js', 'dist/test-io.js']) expect(file).toMatch(TEST_FILE);
    for (const file of ['dist/testing/pruner.js', 'dist/testing/tiny-fixtures.js', 'dist/latest.js']) expect(file).not.toMatch(TEST_FILE);
  });
});
