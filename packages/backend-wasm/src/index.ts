// @prunebench/backend-wasm: training kernels for tfjs's wasm backend. Stock tfjs-wasm has no
// Conv2DBackpropFilter and a slow Conv2DBackpropInput; these express conv gradients through the
// fast forward conv (and add the few reductions and grads BatchNorm training needs).
export {
  registerAcceleratedWasmKernels,
  unregisterAcceleratedWasmKernels,
  acceleratedWasmKernelsRegistered,
  ACCELERATED_WASM_KERNELS,
  STOCK_WASM_ENV,
  registerWasmCorrections,
  prepareWasmForTraining,
  useWasmWithTrainingKernels,
} from './register';
export { wasmBackend } from './provider';
