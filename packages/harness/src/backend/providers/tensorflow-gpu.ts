import type { BackendProvider, LoadedBackend } from '@prunebench/core';
import { installedVersion } from '../package-version';
import { sharedLibraryFound } from '../shared-library';
import { loadTensorflowPackage } from './tensorflow';

const PACKAGE = '@tensorflow/tfjs-node-gpu';
/** The CUDA runtime libtensorflow 2.9 (tfjs-node-gpu 4.22) is linked against. */
const CUDA_RUNTIME = 'libcudart.so.11.0';

/** Why TensorFlow computes on the CPU, in words a user can act on. */
export function noGpuReason(): string {
  const needs = 'tfjs-node-gpu 4.22 needs CUDA 11.2 and cuDNN 8.1';
  return process.platform === 'linux' && !sharedLibraryFound(CUDA_RUNTIME, ['/usr/local/cuda/lib64'])
    ? `TensorFlow placed no work on a GPU: ${CUDA_RUNTIME} not found (${needs})`
    : `TensorFlow placed no work on a GPU (${needs}, and a CUDA GPU it can see)`;
}

/**
 * libtensorflow with CUDA (@tensorflow/tfjs-node-gpu, optional). Verified: on a machine without
 * CUDA 11.2/cuDNN 8.1 it loads, warns and computes on the CPU, so load() reads where TensorFlow
 * placed work and says `gpu: false` then; selection does not take it.
 */
export const tensorflowGpuBackend: BackendProvider = {
  name: 'tensorflow-gpu',
  gpu: true,
  summary: 'libtensorflow with CUDA (@tensorflow/tfjs-node-gpu, optional; needs CUDA 11.2 and cuDNN 8.1), taken only when TensorFlow uses a GPU',
  async load(): Promise<LoadedBackend> {
    const backend = await loadTensorflowPackage(PACKAGE);
    const gpu = backend.isUsingGpuDevice === true;
    return {
      tfjsBackend: 'tensorflow',
      kernels: `${PACKAGE}@${installedVersion(PACKAGE)} (libtensorflow with CUDA)`,
      gpu,
      hardware: true,
      ...(gpu ? { device: 'CUDA GPU (TensorFlow device GPU:0)' } : { caveat: noGpuReason() }),
    };
  },
};
