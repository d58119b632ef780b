import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@prunebench/core';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describeChoice, describeSelection, selectBackend } from './select';

describe('selectBackend', () => {
  it('auto takes the fastest backend that loads and says why the others were not', async () => {
    const selection = await selectBackend('auto');
    expect(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm']).toContain(selection.name);
    expect(tf.getBackend()).toBe(selection.tfjsBackend);
    const chosen = selection.attempts.at(-1)!;
    expect(chosen).toEqual({ name: selection.name, ok: true, reason: 'selected' });
    for (const failed of selection.attempts.slice(0, -1)) {
      expect(failed.ok).toBe(false);
      expect(failed.reason.length).toBeGreaterThan(0);
    }
    expect(describeSelection(selection)).toContain(`${selection.name}: selected`);
  });

  it('selects a named backend', async () => {
    const cpu = await selectBackend('cpu');
    expect(cpu.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await selectBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(wasm.attempts).toEqual([{ name: 'wasm', ok: true, reason: 'selected' }]);
  });

  it('names the backend chosen and why, never just "auto"', async () => {
    const auto = await selectBackend('auto');
    const line = describeChoice(auto);
    expect(line.startsWith(auto.name)).toBe(true);
    expect(line).toMatch(/\(auto: the fastest that loads/);
    for (const skipped of auto.attempts.filter((a) => !a.ok)) expect(line).toContain(skipped.name);
    if (auto.name === 'wasm') expect(line).toMatch(/^wasm with prunebench's training kernels/);
    expect(describeChoice(await selectBackend('cpu'))).toBe('cpu (as configured)');
    expect(describeChoice(await selectBackend('wasm'))).toBe("wasm with prunebench's training kernels (as configured)");
  });

  it('keeps tfjs\'s "running TensorFlow.js in Node.js" banner out of the output (a fresh process)', () => {
    const core = path.resolve(__dirname, '..', '..', 'dist', 'index.js');
    const script = `require(${JSON.stringify(core)}).selectBackend('cpu').then(() => { require('@tensorflow/tfjs-core').ones([2]).dataSync(); console.log('ok'); });`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: __dirname });
    expect(result.stdout.trim()).toBe('ok');
    expect(result.stderr).not.toMatch(/running TensorFlow\.js in Node\.js/);
  });

  it('refuses an unknown name', async () => {
    await expect(selectBackend('opengl' as never)).rejects.toThrow(BackendError);
    await expect(selectBackend('opengl' as never)).rejects.toThrow(/unknown backend "opengl" \(known: auto, tensorflow-gpu, webgpu, tensorflow, wasm, cpu\)/);
  });
});

describe('a native backend that is not installed', () => {
  const installed = (() => {
    try {
      require.resolve('@tensorflow/tfjs-node');
      return true;
    } catch {
      return false;
    }
  })();
  (installed ? it.skip : it)('is refused with the reason when asked for by name', async () => {
    await expect(selectBackend('tensorflow')).rejects.toThrow(/tensorflow: not installed \(@tensorflow\/tfjs-node is an optional dependency/);
  });
});
