// The backends prunebench can run on, one provider per file, in `auto`'s order: the fastest that
// loads and is verified first. Adding a backend: one file beside this one, and a line here.
import type { BackendProvider } from '@prunebench/core';
import { wasmBackend } from '@prunebench/backend-wasm';
import { cpuBackend } from './cpu';
import { tensorflowBackend } from './tensorflow';
import { tensorflowGpuBackend } from './tensorflow-gpu';
import { webgpuBackend } from './webgpu';

export const BACKEND_PROVIDERS: readonly BackendProvider[] = [tensorflowGpuBackend, webgpuBackend, tensorflowBackend, wasmBackend, cpuBackend];

/** The provider named `name`, or undefined. */
export function backendProvider(name: string): BackendProvider | undefined {
  return BACKEND_PROVIDERS.find((p) => p.name === name);
}
