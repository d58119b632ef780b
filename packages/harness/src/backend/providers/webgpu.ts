import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendProvider, LoadedBackend } from '@prunebench/core';
import { installedVersion, isMissingModule } from '../package-version';
import { sharedLibraryFound } from '../shared-library';

const DAWN_PACKAGE = 'webgpu';
const TFJS_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

/** The adapter Dawn chose, as WebGPU's GPUAdapterInfo describes it. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** GPUAdapterInfo.isFallbackAdapter (or the older GPUAdapter.isFallbackAdapter). */
  isFallbackAdapter: boolean;
}

/** Vulkan/WebGPU implementations that run on the CPU: correct, and slower than wasm. */
const SOFTWARE_ADAPTERS = /swiftshader|llvmpipe|lavapipe|softpipe|software|warp|basic render/i;

/** Why an adapter is a software one, or null for a hardware adapter. */
export function softwareAdapterReason(info: AdapterInfo): string | null {
  if (info.isFallbackAdapter) return 'WebGPU marks it as a fallback adapter';
  const text = [info.vendor, info.architecture, info.device, info.description].join(' ');
  const match = SOFTWARE_ADAPTERS.exec(text);
  return match ? `${match[0]} is a software Vulkan driver on the CPU` : null;
}

/** "nvidia ampere (NVIDIA H100 80GB HBM3)": vendor, architecture, device, for start lines and identities. */
export function describeAdapter(info: AdapterInfo): string {
  const parts = [info.vendor || 'unknown vendor', info.architecture].filter(Boolean).join(' ');
  return info.device ? `${parts} (${info.device})` : parts;
}

interface Dawn {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface AdapterLike {
  info?: Partial<AdapterInfo>;
  isFallbackAdapter?: boolean;
}

/** Dawn's node addon, required directly: the package's own entry is an ES module, and this is CommonJS. */
function requireDawn(): Dawn {
  let root: string;
  try {
    root = path.dirname(require.resolve(`${DAWN_PACKAGE}/package.json`));
  } catch (error) {
    if (isMissingModule(error, `${DAWN_PACKAGE}/package.json`)) {
      throw new Error(`not installed (${DAWN_PACKAGE} and ${TFJS_PACKAGE} are optional dependencies: npm install ${DAWN_PACKAGE} ${TFJS_PACKAGE}@4.22.0)`);
    }
    throw error;
  }
  const platform = process.platform === 'darwin' ? 'darwin-universal' : `${process.platform}-${process.arch}`;
  try {
    return require(path.join(root, 'dist', platform, 'dawn.node')) as Dawn;
  } catch (error) {
    throw new Error(`${DAWN_PACKAGE}@${installedVersion(DAWN_PACKAGE)} has no Dawn build for ${platform} that loads here: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** navigator.gpu from Dawn, and WebGPU's constants (GPUBufferUsage, ...) that tfjs uses as globals. */
function installWebGpu(): GpuLike {
  const scope = globalThis as { navigator?: { gpu?: GpuLike } } & Record<string, unknown>;
  if (scope.navigator?.gpu) return scope.navigator.gpu;
  const dawn = requireDawn();
  // Without the Vulkan loader Dawn prints a warning of its own and finds nothing: say why instead.
  if (process.platform === 'linux' && !sharedLibraryFound('libvulkan.so.1')) {
    throw new Error('no Vulkan loader (libvulkan.so.1; Debian/Ubuntu: apt-get install libvulkan1): Dawn reaches the GPU through Vulkan on Linux');
  }
  for (const [name, value] of Object.entries(dawn.globals)) if (!(name in scope)) scope[name] = value;
  const gpu = dawn.create([]);
  if (scope.navigator) Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(scope, 'navigator', { value: { gpu, userAgent: `node ${process.version}` }, configurable: true, writable: true });
  return gpu;
}

const NO_ADAPTER =
  'Dawn found no WebGPU adapter: no Vulkan driver it accepts (on Linux install the GPU vendor\'s Vulkan driver and libvulkan1; ' +
  'for a software adapter point VK_ICD_FILENAMES at SwiftShader, see the README\'s Backends section)';

/** The adapter Dawn offers for high-performance work, or throws saying there is none. */
export async function requestAdapterInfo(): Promise<AdapterInfo> {
  const adapter = await installWebGpu().requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error(NO_ADAPTER);
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
  };
}

/**
 * WebGPU through Dawn (the `webgpu` npm package, prebuilt, nothing downloaded at install) and
 * @tensorflow/tfjs-backend-webgpu: a GPU through its vendor's Vulkan (Metal, D3D12) driver, with no
 * CUDA version coupling. `auto` takes it only on a hardware adapter; `--backend webgpu` also
 * accepts a software one (SwiftShader: correct and slow, what the tests use).
 */
export const webgpuBackend: BackendProvider = {
  name: 'webgpu',
  gpu: true,
  summary: 'WebGPU through Dawn (npm webgpu + @tensorflow/tfjs-backend-webgpu, optional) on the GPU vendor\'s Vulkan driver; auto takes it only on a hardware adapter',
  async load(): Promise<LoadedBackend> {
    const info = await requestAdapterInfo();
    try {
      require(TFJS_PACKAGE);
    } catch (error) {
      if (isMissingModule(error, TFJS_PACKAGE)) throw new Error(`not installed (${TFJS_PACKAGE}@4.22.0 is an optional dependency)`);
      throw error;
    }
    if (!(await tf.setBackend('webgpu'))) throw new Error(`tfjs could not initialise the "webgpu" backend on ${describeAdapter(info)}`);
    await tf.ready();
    // tfjs runs ops on small tensors on its cpu backend by default: all work on the adapter instead,
    // so a run on webgpu is computed by the device its identity names.
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    const software = softwareAdapterReason(info);
    return {
      tfjsBackend: 'webgpu',
      kernels: `${TFJS_PACKAGE}@${installedVersion(TFJS_PACKAGE)} on Dawn (${DAWN_PACKAGE}@${installedVersion(DAWN_PACKAGE)})`,
      device: describeAdapter(info),
      ...(info.description ? { driver: info.description } : {}),
      gpu: true,
      hardware: software === null,
      ...(software ? { caveat: `software adapter: ${software}; correct, and slower than wasm` } : {}),
    };
  },
};
