// The `prunebench` command must be linked by `npm ci` on a fresh clone, before anything is
// built: npm links a bin only if its file exists, and without the link `npx prunebench` asks the
// public registry for a package of that name. So the bin is a committed shim (.ci/run checks the
// link and runs `npx --no-install prunebench --help` after the build).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PACKAGE = path.resolve(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
const shim = path.join(PACKAGE, manifest.bin.prunebench);

describe('the prunebench bin', () => {
  it('is a file committed to the repository, executable, and published', () => {
    const tracked = execFileSync('git', ['ls-files', '--stage', manifest.bin.prunebench], { cwd: PACKAGE, encoding: 'utf8' });
    expect(tracked).toMatch(/^100755 /); // in git, with its executable bit
    expect(manifest.files).toContain(manifest.bin.prunebench.split('/')[0]);
    expect(fs.readFileSync(shim, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('says to run `npm run build` (exit 2) when the CLI is not built', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-shim-'));
    fs.mkdirSync(path.join(copy, 'bin'));
    fs.copyFileSync(shim, path.join(copy, 'bin', 'prunebench.js'));
    const result = spawnSync(process.execPath, [path.join(copy, 'bin', 'prunebench.js'), '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/the CLI is not built yet[\s\S]*Run `npm run build`/);
    fs.rmSync(copy, { recursive: true, force: true });
  });

  const built = fs.existsSync(path.join(PACKAGE, 'dist', 'bin.js'));
  (built ? it : it.skip)('runs the built CLI when it is there', () => {
    const result = spawnSync(process.execPath, [shim, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: prunebench/);
  });
});
