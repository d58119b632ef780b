import * as fs from 'node:fs';
import { ready, setBackend } from '@tensorflow/tfjs-core';
import type { BackendProvider, LoadedBackend } from '@prunebench/core';
import { ACCELERATED_WASM_KERNELS, prepareWasmForTraining, STOCK_WASM_ENV } from './register';

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

function wasmVersion(): string {
  return (JSON.parse(fs.readFileSync(require.resolve(`${WASM_PACKAGE}/package.json`), 'utf8')) as { version: string }).version;
}

/**
 * The backend users get when no native TensorFlow or GPU is there: tfjs's wasm backend with
 * prunebench's training kernels (or the stock ones with PRUNEBENCH_STOCK_WASM=1, which the
 * identity then says). Nothing to install beyond npm.
 */
export const wasmBackend: BackendProvider = {
  name: 'wasm',
  gpu: false,
  summary: "tfjs's wasm backend on the CPU with prunebench's training kernels (needs nothing beyond npm)",
  async load(): Promise<LoadedBackend> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(WASM_PACKAGE);
    if (!(await setBackend('wasm'))) throw new Error('tfjs could not initialise the "wasm" backend');
    await ready();
    const accelerated = prepareWasmForTraining();
    return {
      tfjsBackend: 'wasm',
      kernels: accelerated
        ? `${WASM_PACKAGE}@${wasmVersion()} with prunebench's accelerated training kernels (${ACCELERATED_WASM_KERNELS.join(', ')})`
        : `${WASM_PACKAGE}@${wasmVersion()}, stock kernels`,
      gpu: false,
      hardware: true,
      ...(accelerated ? { trainingKernels: ACCELERATED_WASM_KERNELS } : { caveat: `stock kernels (${STOCK_WASM_ENV}=1)` }),
    };
  },
};
