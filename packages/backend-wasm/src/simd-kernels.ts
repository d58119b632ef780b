import { util, type TensorInfo } from '@tensorflow/tfjs-core';
import { SIMD_KERNELS_WASM_BASE64 } from './simd-kernels-binary';

/** The loops of simd-kernels.wat; pointers are byte offsets into the wasm backend's memory. */
export interface SimdKernels {
  bnStats(x: number, rows: number, channels: number, shift: number, sum: number, squares: number): void;
  bnApply(x: number, y: number, rows: number, channels: number, mean: number, multiplier: number, offset: number): void;
  bnGradSums(x: number, dy: number, rows: number, channels: number, mean: number, sumDy: number, sumDyCentred: number): void;
  bnGradApply(x: number, dy: number, dx: number, rows: number, channels: number, mean: number, a: number, b: number, k: number): void;
  /** [a, b, c] -> [b, a, c], c a multiple of 4. */
  swapLeading(src: number, dst: number, a: number, b: number, c: number): void;
  /** [a, b, c] -> [c, b, a], a and c multiples of 4. */
  reverse3(src: number, dst: number, a: number, b: number, c: number): void;
  /**
   * dw [kh, kw, ci, co] += the filter gradient of an NHWC conv (ci % 4 = 0, co % 8 = 0), x's
   * pixels xc floats apart and dy's dyc (xc <= ci, dyc <= co; rows ci >= xc and columns co >= dyc
   * of dw hold garbage). It reads up to ci - xc floats past x and co - dyc past dy.
   */
  convFilterGrad(
    x: number, dy: number, dw: number, n: number, h: number, w: number, ci: number, oh: number, ow: number, co: number,
    kh: number, kw: number, stride: number, padTop: number, padLeft: number, xc: number, dyc: number,
  ): void;
  /** dx [n, h, w, ci] += the input gradient of an NHWC conv, wT [kh, kw, co, ci] (ci % 8 = 0). */
  convInputGrad(
    dy: number, wT: number, dx: number, n: number, h: number, w: number, ci: number, oh: number, ow: number, co: number,
    kh: number, kw: number, stride: number, padTop: number, padLeft: number,
  ): void;
  /** dx = dy * step(x) over `count` floats (a multiple of 4). */
  reluGrad(x: number, dy: number, dx: number, count: number): void;
}

/** The parts of tfjs-backend-wasm's BackendWasm (an Emscripten module inside) these kernels use. */
export interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: {
    asm?: { memory?: WasmMemory };
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    HEAPU8: Uint8Array;
  };
}

/** The few WebAssembly JS-API types used (the project's TypeScript lib has no DOM/WebAssembly types). */
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
};
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
type WasmModule = object;

let compiled: WasmModule | null | undefined;
const instances = new WeakMap<WasmMemory, SimdKernels>();

/**
 * The SIMD loops instantiated on `backend`'s own memory (once per memory), or null when that
 * memory is not reachable or this runtime has no wasm SIMD — then callers use their JS loops.
 */
export function simdKernels(backend: unknown): SimdKernels | null {
  const memory = (backend as WasmBackendInternals).wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const cached = instances.get(memory);
  if (cached) return cached;
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(SIMD_KERNELS_WASM_BASE64, 'base64'));
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  const kernels = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as SimdKernels;
  instances.set(memory, kernels);
  return kernels;
}

/** Byte offset of a tensor's data in the wasm memory. */
export function heapOffset(backend: unknown, info: TensorInfo): number {
  const data = (backend as WasmBackendInternals).dataIdMap.get(info.dataId);
  if (!data) throw new Error('tensor data is not on the wasm backend');
  return data.memoryOffset;
}

/**
 * Scratch memory on the wasm heap for per-channel operands: `float32` and `float64` arrays of
 * the given lengths, zeroed, freed by `free`. The views are taken after the allocation (which
 * may grow the memory), and must be re-taken with `views()` after any other allocation.
 */
export class HeapScratch {
  private readonly pointer: number;
  private readonly offsets: number[] = [];

  constructor(
    private readonly backend: WasmBackendInternals,
    private readonly lengths: Array<{ f64: boolean; length: number }>,
  ) {
    let bytes = 0;
    for (const { f64, length } of lengths) {
      this.offsets.push(bytes);
      bytes += Math.ceil((length * (f64 ? 8 : 4)) / 16) * 16;
    }
    this.pointer = backend.wasm._malloc(bytes + 16);
    const aligned = Math.ceil(this.pointer / 16) * 16;
    for (let i = 0; i < this.offsets.length; i++) this.offsets[i] += aligned;
    backend.wasm.HEAPU8.fill(0, aligned, aligned + bytes);
  }

  /** Byte offset of array `i`. */
  at(i: number): number {
    return this.offsets[i];
  }

  views(): Array<Float32Array | Float64Array> {
    const buffer = this.backend.wasm.HEAPU8.buffer;
    return this.lengths.map(({ f64, length }, i) => (f64 ? new Float64Array(buffer, this.offsets[i], length) : new Float32Array(buffer, this.offsets[i], length)));
  }

  free(): void {
    this.backend.wasm._free(this.pointer);
  }
}

/**
 * Whether `extraFloats` floats past the end of a tensor's data are still inside the wasm memory
 * (a SIMD loop that reads whole vectors may read them; reading outside the memory traps).
 */
export function readableWithTail(backend: unknown, info: TensorInfo, extraFloats: number): boolean {
  if (extraFloats === 0) return true;
  const memory = (backend as WasmBackendInternals).wasm?.asm?.memory;
  if (!memory) return false;
  const end = heapOffset(backend, info) + 4 * (util.sizeFromShape(info.shape) + extraFloats);
  return end <= memory.buffer.byteLength;
}
