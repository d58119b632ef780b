// WebGPU tests run on SwiftShader, the Vulkan driver on the CPU that Debian's chromium package
// ships. Dawn finds the Vulkan loader through LD_LIBRARY_PATH, which the dynamic loader reads
// only when a process starts: so each webgpu test file runs itself again in a child jest with
// LD_LIBRARY_PATH and VK_ICD_FILENAMES pointed at chromium's library folder. Only that child
// sees them; no other test does. With CI=true a machine without SwiftShader fails the tests.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const CHILD_FLAG = 'PRUNEBENCH_WEBGPU_TEST_CHILD';
const ICD = 'vk_swiftshader_icd.json';

/** The folder holding chromium's SwiftShader ICD and Vulkan loader, or null. */
export function swiftShaderFolder(): string | null {
  const candidates: string[] = [];
  try {
    const files = execFileSync('dpkg', ['-L', 'chromium'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n');
    candidates.push(...files.filter((f) => f.endsWith(`/${ICD}`)).map((f) => path.dirname(f)));
  } catch {
    // Not Debian, or no chromium package: try the usual folder.
  }
  candidates.push('/usr/lib/chromium');
  return candidates.find((dir) => fs.existsSync(path.join(dir, ICD)) && fs.existsSync(path.join(dir, 'libvulkan.so.1'))) ?? null;
}

/** Whether this process is the child that runs the webgpu tests themselves. */
export const onSwiftShader = process.env[CHILD_FLAG] === '1';

/**
 * Registers `body` (the webgpu tests) to run in a child jest on SwiftShader: here one test that
 * starts the child and fails with its output when any of its tests fail; in the child, `body`.
 */
export function describeOnSwiftShader(title: string, testFile: string, body: () => void, timeoutMs = 170_000): void {
  if (onSwiftShader) {
    describe(title, body);
    return;
  }
  const folder = swiftShaderFolder();
  if (!folder) {
    const why = `no SwiftShader: install Debian's chromium package (it ships ${ICD} and libvulkan.so.1)`;
    if (process.env.CI === 'true') {
      it(`${title}: ${why}`, () => {
        throw new Error(`${why}; in CI the webgpu tests must run`);
      });
    } else {
      console.warn(`webgpu tests skipped: ${why}`);
      it.skip(`${title} (skipped: ${why})`, () => undefined);
    }
    return;
  }
  it(`${title} (in a child jest on SwiftShader)`, () => {
    const jest = require.resolve('jest/bin/jest');
    const result = spawnSync(process.execPath, [jest, '--runInBand', '--ci', '--colors=false', '--runTestsByPath', testFile], {
      cwd: path.resolve(__dirname, '../../../..'),
      encoding: 'utf8',
      timeout: timeoutMs - 5_000,
      env: {
        ...process.env,
        [CHILD_FLAG]: '1',
        LD_LIBRARY_PATH: [folder, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
        VK_ICD_FILENAMES: path.join(folder, ICD),
      },
    });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status !== 0) throw new Error(`the webgpu tests failed on SwiftShader (exit ${result.status ?? result.signal}):\n${output.slice(-12_000)}`);
    expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(output).not.toMatch(/skipped/);
  }, timeoutMs);
}
