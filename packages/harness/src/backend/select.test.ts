import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '@prunebench/core';
import { describeSelection, selectBackend } from './select';

describe('selectBackend', () => {
  it('auto takes the fastest backend that loads and says why the others were not', async () => {
    const selection = await selectBackend('auto');
    expect(['tensorflow-gpu', 'tensorflow', 'wasm']).toContain(selection.name);
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

  it('refuses an unknown name', async () => {
    await expect(selectBackend('webgpu' as never)).rejects.toThrow(BackendError);
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
    await expect(selectBackend('tensorflow')).rejects.toThrow(/tensorflow: not installed \(an optional dependency/);
  });
});
