// Backends as providers: one list, selection's rules for GPU backends, and a tfjs-node-gpu that
// silently computes on the CPU (as 4.22 does without CUDA 11.2) never chosen nor recorded as a GPU.
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BackendError, type BackendProvider, type LoadedBackend } from '@prunebench/core';
import { backendProviderConformanceChecks, describeBackendProviderConformance } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { backendIdentity } from '../study/identity';
import { BACKEND_PROVIDERS } from './providers';
import { cpuBackend } from './providers/cpu';
import { tensorflowGpuBackend } from './providers/tensorflow-gpu';
import { AUTO_ORDER, BACKEND_NAMES, describeChoice, selectBackend } from './select';

describe('the list of backend providers', () => {
  it('is what the config accepts and what auto tries, in order', () => {
    expect(BACKEND_NAMES).toEqual(['auto', ...BACKEND_PROVIDERS.map((p) => p.name)]);
    expect(AUTO_ORDER).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
  });
});

describeBackendProviderConformance({ provider: wasmBackend });
describeBackendProviderConformance({ provider: cpuBackend });

/** A provider that loads tfjs's cpu backend and says what `loaded` says: for selection's rules. */
function fakeProvider(name: string, gpu: boolean, loaded: Partial<LoadedBackend>): BackendProvider {
  return {
    name,
    gpu,
    summary: `a fake ${name}`,
    async load() {
      await cpuBackend.load();
      return { tfjsBackend: 'cpu', kernels: `fake ${name} kernels`, gpu, hardware: true, ...loaded };
    },
  };
}

describe('selection of GPU backends', () => {
  const onCpu = fakeProvider('fake-gpu', true, { gpu: false, caveat: 'TensorFlow placed no work on a GPU' });
  const software = fakeProvider('fake-webgpu', true, { device: 'google swiftshader (swiftshader-device)', hardware: false, caveat: 'software adapter: swiftshader is a software Vulkan driver on the CPU' });
  const hardware = fakeProvider('fake-h100', true, { device: 'nvidia hopper (NVIDIA H100)', driver: 'NVIDIA 550' });

  it('auto skips a GPU backend that computes on the CPU and one on a software adapter, saying why, and moves on', async () => {
    const selection = await selectBackend('auto', [onCpu, software, wasmBackend]);
    expect(selection.name).toBe('wasm');
    expect(selection.attempts.map((a) => [a.name, a.ok])).toEqual([['fake-gpu', false], ['fake-webgpu', false], ['wasm', true]]);
    expect(selection.attempts[0].reason).toBe('not on a GPU: TensorFlow placed no work on a GPU');
    expect(selection.attempts[1].reason).toMatch(/^google swiftshader \(swiftshader-device\) is a software adapter: swiftshader .*\(--backend fake-webgpu uses it\)$/);
    expect(describeChoice(selection)).toMatch(/^wasm with prunebench's training kernels \(auto: .*fake-gpu: not on a GPU.*fake-webgpu: google swiftshader/);
  });

  it('auto takes a GPU backend on a hardware adapter, and the start line and identity name the device and driver', async () => {
    const selection = await selectBackend('auto', [onCpu, hardware, wasmBackend]);
    expect(selection.name).toBe('fake-h100');
    expect(describeChoice(selection)).toMatch(/^fake-h100 on nvidia hopper \(NVIDIA H100\), driver NVIDIA 550 \(auto: /);
    expect(backendIdentity(selection)).toEqual({ name: 'fake-h100', kernels: 'fake fake-h100 kernels', device: 'nvidia hopper (NVIDIA H100)', driver: 'NVIDIA 550' });
  });

  it('a named GPU backend on a software adapter is used, and the start line says it is software', async () => {
    const selection = await selectBackend('fake-webgpu' as never, [software, wasmBackend]);
    expect(selection.name).toBe('fake-webgpu');
    expect(describeChoice(selection)).toBe('fake-webgpu on google swiftshader (swiftshader-device) — software adapter: swiftshader is a software Vulkan driver on the CPU (as configured)');
  });

  it('a named GPU backend that computes on the CPU is refused with the reason', async () => {
    await expect(selectBackend('fake-gpu' as never, [onCpu, wasmBackend])).rejects.toThrow(new BackendError('no tfjs backend could be initialised for "fake-gpu": fake-gpu: not on a GPU: TensorFlow placed no work on a GPU'));
  });
});

describe('backend provider conformance catches a broken provider', () => {
  async function failures(provider: BackendProvider): Promise<string[]> {
    const out: string[] = [];
    for (const check of backendProviderConformanceChecks({ provider })) {
      try {
        await check.run();
      } catch (error) {
        out.push((error as Error).message);
      }
    }
    return out;
  }

  it('passes the real cpu provider', async () => {
    expect(await failures(cpuBackend)).toEqual([]);
  });

  it('fails one that does not make its backend current', async () => {
    const lazy: BackendProvider = { ...cpuBackend, name: 'lazy', async load() {
      const loaded = await cpuBackend.load();
      return { ...loaded, tfjsBackend: 'wasm' };
    } };
    expect((await failures(lazy)).join('\n')).toMatch(/said it set tfjs backend "wasm", but the current backend is "cpu"/);
  });

  it('fails a CPU backend that claims a GPU, and training kernels it did not register', async () => {
    const boastful: BackendProvider = { ...cpuBackend, name: 'boastful', async load() {
      return { ...(await cpuBackend.load()), gpu: true, device: 'a GPU', trainingKernels: ['NoSuchKernel'] };
    } };
    const messages = (await failures(boastful)).join('\n');
    expect(messages).toMatch(/is not a GPU backend \(gpu: false\) but its load\(\) says it computes on a GPU/);
    const kernels: BackendProvider = { ...cpuBackend, name: 'kernels', async load() {
      return { ...(await cpuBackend.load()), trainingKernels: ['NoSuchKernel'] };
    } };
    expect((await failures(kernels)).join('\n')).toMatch(/lists training kernel NoSuchKernel, which is not registered for "cpu"/);
  });

  it('fails one whose kernels compute wrong numbers', async () => {
    const wrongName = 'conformance-wrong-relu';
    tf.registerBackend(wrongName, () => Object.assign(new MathBackendCPU(), { firstUse: false }));
    // cpu's kernels, but a ReLU that returns zeros.
    const zeros: tf.KernelFunc = ({ inputs, backend }) => (backend as MathBackendCPU).makeTensorInfo(inputs.x!.shape, 'float32', new Float32Array(tf.util.sizeFromShape(inputs.x!.shape)));
    for (const kernel of tf.getKernelsForBackend('cpu')) {
      tf.registerKernel({ ...kernel, backendName: wrongName, ...(kernel.kernelName === 'Relu' ? { kernelFunc: zeros } : {}) });
    }
    const wrong: BackendProvider = { name: 'wrong', gpu: false, summary: 'relu returns zeros', async load() {
      await tf.setBackend(wrongName);
      return { tfjsBackend: wrongName, kernels: 'broken relu', gpu: false, hardware: true };
    } };
    try {
      expect((await failures(wrong)).join('\n')).toMatch(/backend "wrong": sum\(relu\(conv2d\)\) = 0, expected \d+/);
    } finally {
      await tf.setBackend('cpu');
      tf.removeBackend(wrongName);
    }
  });

  it('fails a nameless or badly named one', async () => {
    expect((await failures({ ...cpuBackend, name: 'Web GPU' })).join('\n')).toMatch(/backend name "Web GPU" must be lower-case kebab/);
  });
});

describe('tensorflow-gpu verified: a tfjs-node-gpu that computes on the CPU', () => {
  const fakeName = 'tensorflow';
  beforeAll(() => {
    // What tfjs-node-gpu 4.22 does on a CUDA 12 machine: it registers "tensorflow", loads, and
    // TensorFlow places everything on the CPU (its backend's isUsingGpuDevice is false).
    jest.doMock(
      '@tensorflow/tfjs-node-gpu',
      () => {
        tf.registerBackend(fakeName, () => Object.assign(new MathBackendCPU(), { firstUse: false, isGPUPackage: true, isUsingGpuDevice: false }));
        return {};
      },
      { virtual: true },
    );
  });
  afterAll(() => {
    jest.dontMock('@tensorflow/tfjs-node-gpu');
    if (tf.findBackend(fakeName)) tf.removeBackend(fakeName);
  });

  it('loads but says it is not on a GPU, and why', async () => {
    const loaded = await tensorflowGpuBackend.load();
    expect(loaded).toMatchObject({ tfjsBackend: 'tensorflow', gpu: false });
    expect(loaded.device).toBeUndefined();
    expect(loaded.caveat).toMatch(/^TensorFlow placed no work on a GPU.*tfjs-node-gpu 4\.22 needs CUDA 11\.2 and cuDNN 8\.1/);
  });

  it('auto skips it with the reason and no identity names a GPU', async () => {
    const selection = await selectBackend('auto');
    expect(selection.name).not.toBe('tensorflow-gpu');
    expect(selection.attempts[0]).toEqual({ name: 'tensorflow-gpu', ok: false, reason: expect.stringMatching(/^not on a GPU: TensorFlow placed no work on a GPU/) });
    expect(selection.loaded.gpu).toBe(false);
    const identity = backendIdentity(selection);
    expect(identity.name).not.toMatch(/gpu/);
    expect(identity.device).toBeUndefined();
  });

  it('--backend tensorflow-gpu is refused with the reason', async () => {
    await expect(selectBackend('tensorflow-gpu')).rejects.toThrow(/tensorflow-gpu: not on a GPU: TensorFlow placed no work on a GPU.*CUDA 11\.2 and cuDNN 8\.1/);
  });
});
