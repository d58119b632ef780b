import type { CastAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** A new tensor on the same data: tensor data is immutable in tfjs, so sharing is safe (cpu does the same). */
function share(backend: unknown, x: TensorInfo): TensorInfo {
  (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Identity without a copy. The engine clones every tensor it saves for the backward pass,
 * and wasm's stock Identity copies the data each time (~600 activation-sized copies per
 * ResNet-20 step); cpu's shares the data, as this does.
 */
export function makeSharedIdentity(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    return x.dtype === 'string' ? stock(args) : share(args.backend, x);
  };
}

/** Cast to the dtype a tensor already has, without a copy; other casts go to the stock kernel. */
export function makeSharedCast(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as unknown as CastAttrs;
    return dtype === x.dtype && dtype !== 'string' ? share(args.backend, x) : stock(args);
  };
}

export function identityConfig(backendName: string, stock: KernelFunc): KernelConfig {
  return { kernelName: 'Identity', backendName, kernelFunc: makeSharedIdentity(stock) };
}

export function castConfig(backendName: string, stock: KernelFunc): KernelConfig {
  return { kernelName: 'Cast', backendName, kernelFunc: makeSharedCast(stock) };
}
