import type { KernelConfig, KernelFunc, TensorInfo, TileAttrs } from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's BackendWasm this kernel uses. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Tile where the output is the input repeated back to back (every axis before the last
 * repeated one has size 1, e.g. [1, 1, 1, C] tiled by [N, H, W, 1]): prod(reps) copies, written with one copy and log2(reps) doubling
 * copyWithin calls, at memory speed. BatchNorm's gradient tiles [1,1,1,C] to [N,H,W,C] this
 * way every step, which wasm's generic Tile does element by element (~30x slower).
 * Everything else goes to the stock kernel.
 */
export function makeTile(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { reps } = args.attrs as unknown as TileAttrs;
    let lastRepeated = -1;
    reps.forEach((r, i) => {
      if (r !== 1) lastRepeated = i;
    });
    // The output is x repeated back to back iff every axis before the last repeated one has size 1.
    const leadingOnly = x.shape.every((d, i) => i >= lastRepeated || d === 1);
    if (x.dtype === 'string' || lastRepeated < 0 || !leadingOnly) return stock(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const outShape = x.shape.map((d, i) => d * reps[i]);
    const out = backend.makeOutput(outShape, x.dtype);
    const source = backend.typedArrayFromHeap(x);
    const target = backend.typedArrayFromHeap(out);
    const block = source.length;
    if (block === 0) return out;
    target.set(source, 0);
    let filled = block;
    while (filled < target.length) {
      const count = Math.min(filled, target.length - filled);
      target.copyWithin(filled, 0, count);
      filled += count;
    }
    return out;
  };
}

export function tileConfig(backendName: string, stock: KernelFunc): KernelConfig {
  return { kernelName: 'Tile', backendName, kernelFunc: makeTile(stock) };
}
