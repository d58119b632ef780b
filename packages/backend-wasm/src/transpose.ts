import type { KernelConfig, KernelFunc, TensorInfo, TransposeAttrs } from '@tensorflow/tfjs-core';
import { heapOffset, simdKernels, type WasmBackendInternals } from './simd-kernels';

function same(perm: readonly number[], expected: readonly number[]): boolean {
  return perm.length === expected.length && perm.every((p, i) => p === expected[i]);
}

/**
 * Transpose for the two layout changes of the filter gradient (conv2d-backprop-filter.ts), with
 * SIMD loops instead of wasm's element-by-element Transpose:
 * - perm [3, 1, 2, 0], x [N, H, W, C] -> [C, H, W, N]: 4x4 tiles transposed in registers
 *   (N and C multiples of 4);
 * - perm [1, 2, 0, 3], [N, H, W, C] -> [H, W, N, C]: rows of C values moved whole (C a multiple of 4).
 * Every other transpose goes to the stock kernel.
 */
export function makeTranspose(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { perm } = args.attrs as unknown as TransposeAttrs;
    if (x.dtype !== 'float32' || x.shape.length !== 4 || x.shape.some((d) => d === 0)) return stock(args);
    const [n, h, w, c] = x.shape;
    const reverse = same(perm, [3, 1, 2, 0]) && n % 4 === 0 && c % 4 === 0;
    const swap = same(perm, [1, 2, 0, 3]) && c % 4 === 0;
    const simd = reverse || swap ? simdKernels(args.backend) : null;
    if (!simd) return stock(args);
    const backend = args.backend as unknown as WasmBackendInternals;
    const out = backend.makeOutput(perm.map((p) => x.shape[p]), 'float32');
    const [src, dst] = [heapOffset(backend, x), heapOffset(backend, out)];
    if (reverse) simd.reverse3(src, dst, n, h * w, c);
    else simd.swapLeading(src, dst, n, h * w, c);
    return out;
  };
}

export function transposeConfig(backendName: string, stock: KernelFunc): KernelConfig {
  return { kernelName: 'Transpose', backendName, kernelFunc: makeTranspose(stock) };
}
