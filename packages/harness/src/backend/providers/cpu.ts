import * as tf from '@tensorflow/tfjs-core';
import type { BackendProvider, LoadedBackend } from '@prunebench/core';
import { installedVersion } from '../package-version';

/** tfjs's pure-JS backend: the same numbers everywhere, and ~500× slower than wasm at training. */
export const cpuBackend: BackendProvider = {
  name: 'cpu',
  gpu: false,
  summary: "tfjs's pure-JavaScript backend: the reference numbers, far too slow to train (~500× slower than wasm)",
  async load(): Promise<LoadedBackend> {
    require('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) throw new Error('tfjs could not initialise the "cpu" backend');
    await tf.ready();
    return { tfjsBackend: 'cpu', kernels: `@tensorflow/tfjs-backend-cpu@${installedVersion('@tensorflow/tfjs-backend-cpu')}`, gpu: false, hardware: true };
  },
};
