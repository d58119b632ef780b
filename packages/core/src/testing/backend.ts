import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendProvider, LoadedBackend } from '../backend/provider';
import type { ConformanceCheck } from './component-checks';
import { registerSuite } from './suite';

/**
 * Loads `provider`'s backend for the tests that follow (e.g. `beforeAll(() => useBackend(wasmBackend))`
 * with `wasmBackend` from @prunebench/backend-wasm, the backend users get). The kit's suites run
 * on whatever backend their caller set up this way; they load none themselves.
 */
export async function useBackend(provider: BackendProvider): Promise<LoadedBackend> {
  const loaded = await provider.load();
  if (tf.getBackend() !== loaded.tfjsBackend) {
    throw new Error(`backend provider "${provider.name}" loaded, but tfjs's current backend is "${tf.getBackend()}", not "${loaded.tfjsBackend}"`);
  }
  return loaded;
}

export interface BackendProviderConformanceOptions {
  provider: BackendProvider;
  /** Largest absolute difference from the exact results the arithmetic check accepts. Default 1e-4. */
  tolerance?: number;
}

const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** x (1×3×3×1) ⊛ w (2×2×1×2), 'valid', then ReLU and sum: small integers, exact in float32. */
const X = [1, 2, 0, -1, 3, 1, 2, -2, 1];
const W = [1, -1, 0, 2, 2, 1, -1, 0];

/** The same computation in plain JS: the loss and its gradient with respect to w. */
function exactConvReluSum(): { loss: number; dw: number[] } {
  const dw = new Array<number>(W.length).fill(0);
  let loss = 0;
  for (let oy = 0; oy < 2; oy++) {
    for (let ox = 0; ox < 2; ox++) {
      for (let co = 0; co < 2; co++) {
        let v = 0;
        for (let ky = 0; ky < 2; ky++) for (let kx = 0; kx < 2; kx++) v += X[(oy + ky) * 3 + ox + kx] * W[(ky * 2 + kx) * 2 + co];
        if (v > 0) {
          loss += v;
          for (let ky = 0; ky < 2; ky++) for (let kx = 0; kx < 2; kx++) dw[(ky * 2 + kx) * 2 + co] += X[(oy + ky) * 3 + ox + kx];
        }
      }
    }
  }
  return { loss, dw };
}

/**
 * The checks every backend provider must pass: a well-formed name; `load()` makes its backend
 * current and describes it consistently (a CPU backend names no GPU, a GPU backend on a GPU names
 * its device, the kernels it says it registered are registered); loading twice gives the same
 * identity; and it computes a convolution, ReLU and their gradient correctly.
 */
export function backendProviderConformanceChecks(options: BackendProviderConformanceOptions): ConformanceCheck[] {
  const { provider } = options;
  const tolerance = options.tolerance ?? 1e-4;
  const load = async (): Promise<LoadedBackend> => {
    const loaded = await provider.load();
    assert.equal(tf.getBackend(), loaded.tfjsBackend, `load() of "${provider.name}" said it set tfjs backend "${loaded.tfjsBackend}", but the current backend is "${tf.getBackend()}"`);
    return loaded;
  };
  return [
    {
      name: 'has a well-formed name, a summary and says whether it is a GPU backend',
      run: async () => {
        assert.match(provider.name, NAME_PATTERN, `backend name "${provider.name}" must be lower-case kebab (it is a --backend value)`);
        assert.notEqual(provider.name, 'auto', '"auto" is the selection, not a backend');
        assert.ok(typeof provider.summary === 'string' && provider.summary.trim().length > 0, `backend "${provider.name}" needs a one-line summary`);
        assert.equal(typeof provider.gpu, 'boolean', `backend "${provider.name}": gpu must be true or false`);
      },
    },
    {
      name: 'load() makes its backend current and describes what it computes on',
      run: async () => {
        const loaded = await load();
        assert.ok(loaded.kernels?.trim(), `backend "${provider.name}" must say which kernels it computes with`);
        assert.equal(typeof loaded.gpu, 'boolean', 'loaded.gpu must be true or false');
        assert.equal(typeof loaded.hardware, 'boolean', 'loaded.hardware must be true or false');
        if (!provider.gpu) {
          assert.equal(loaded.gpu, false, `backend "${provider.name}" is not a GPU backend (gpu: false) but its load() says it computes on a GPU`);
          assert.equal(loaded.device, undefined, `CPU backend "${provider.name}" must name no device: a CPU run's identity is the same on every machine`);
        }
        if (loaded.gpu) assert.ok(loaded.device?.trim(), `backend "${provider.name}" computes on a GPU: it must name the device (vendor, architecture, device)`);
        if (provider.gpu && (!loaded.gpu || !loaded.hardware)) {
          assert.ok(loaded.caveat?.trim(), `GPU backend "${provider.name}" is ${loaded.gpu ? 'on a software device' : 'not on a GPU'}: its load() must say why (caveat)`);
        }
        for (const kernel of loaded.trainingKernels ?? []) {
          assert.ok(tf.getKernel(kernel, loaded.tfjsBackend), `backend "${provider.name}" lists training kernel ${kernel}, which is not registered for "${loaded.tfjsBackend}"`);
        }
      },
    },
    {
      name: 'loading it again gives the same identity',
      run: async () => {
        const first = await load();
        const second = await load();
        const identity = (l: LoadedBackend) => ({ tfjsBackend: l.tfjsBackend, kernels: l.kernels, device: l.device, driver: l.driver, gpu: l.gpu, hardware: l.hardware });
        assert.deepEqual(identity(second), identity(first), `backend "${provider.name}" described itself differently on a second load(): a run's identity must not depend on how often it was loaded`);
      },
    },
    {
      name: 'computes a convolution, ReLU and their gradient correctly',
      run: async () => {
        await load();
        const exact = exactConvReluSum();
        const x = tf.tensor4d(X, [1, 3, 3, 1]);
        const w = tf.variable(tf.tensor4d(W, [2, 2, 1, 2]), true);
        try {
          const { value, grads } = tf.variableGrads(() => tf.sum(tf.relu(tf.conv2d(x, w as tf.Variable<tf.Rank.R4>, 1, 'valid'))), [w]);
          const loss = (await value.data())[0];
          const dw = Array.from(await grads[w.name].data());
          tf.dispose([value, grads[w.name]]);
          assert.ok(Math.abs(loss - exact.loss) <= tolerance, `backend "${provider.name}": sum(relu(conv2d)) = ${loss}, expected ${exact.loss}`);
          dw.forEach((g, i) => assert.ok(Math.abs(g - exact.dw[i]) <= tolerance, `backend "${provider.name}": conv2d filter gradient [${i}] = ${g}, expected ${exact.dw[i]}`));
        } finally {
          tf.dispose([x, w]);
        }
      },
    },
  ];
}

/** Registers the backend provider checks as one jest suite (it loads the provider itself). */
export function describeBackendProviderConformance(options: BackendProviderConformanceOptions): void {
  registerSuite(`backend provider "${options.provider.name}" conformance`, backendProviderConformanceChecks(options), 120000, { loadsItsBackend: true });
}
