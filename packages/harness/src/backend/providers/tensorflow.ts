import * as tf from '@tensorflow/tfjs-core';
import type { BackendProvider, LoadedBackend } from '@prunebench/core';
import { installedVersion, isMissingModule } from '../package-version';

/** What tfjs-node's backend says about where TensorFlow places work (NodeJSKernelBackend's fields). */
export interface TensorflowBackendInstance {
  isGPUPackage?: boolean;
  isUsingGpuDevice?: boolean;
}

/** Requires tfjs-node or tfjs-node-gpu (both register tfjs backend "tensorflow") and makes it current. */
export async function loadTensorflowPackage(pkg: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu'): Promise<TensorflowBackendInstance> {
  try {
    require(pkg);
  } catch (error) {
    if (isMissingModule(error, pkg)) {
      throw new Error(`not installed (${pkg} is an optional dependency: its install downloads libtensorflow, which needs network access)`);
    }
    throw error;
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded, but tfjs could not initialise its "tensorflow" backend`);
  await tf.ready();
  return tf.backend() as unknown as TensorflowBackendInstance;
}

/** libtensorflow on the CPU (@tensorflow/tfjs-node, an optional dependency). */
export const tensorflowBackend: BackendProvider = {
  name: 'tensorflow',
  gpu: false,
  summary: 'libtensorflow on the CPU (@tensorflow/tfjs-node, optional: its install downloads libtensorflow)',
  async load(): Promise<LoadedBackend> {
    await loadTensorflowPackage('@tensorflow/tfjs-node');
    return { tfjsBackend: 'tensorflow', kernels: `@tensorflow/tfjs-node@${installedVersion('@tensorflow/tfjs-node')} (libtensorflow)`, gpu: false, hardware: true };
  },
};
