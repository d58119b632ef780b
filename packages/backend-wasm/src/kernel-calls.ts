import { getKernel, type KernelBackend, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Calls another kernel of the same backend from inside a kernel function (the way tfjs's own
 * backends compose kernels), without going through the engine: no tape, no tracking. Every
 * intermediate this returns must be released with `release`.
 */
export class KernelCalls {
  private readonly intermediates: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs `kernelName` and remembers its output as an intermediate to release later. */
  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    const config = getKernel(kernelName, this.backendName);
    if (!config) throw new Error(`the ${this.backendName} backend has no ${kernelName} kernel`);
    const out = config.kernelFunc({ inputs, attrs, backend: this.backend }) as TensorInfo;
    this.intermediates.push(out);
    return out;
  }

  /** Adds a tensor made outside `run` (e.g. by `makeOutput`) to the intermediates to release. */
  adopt(info: TensorInfo): TensorInfo {
    this.intermediates.push(info);
    return info;
  }

  /** Keeps `info` (the kernel's result) out of the release list. */
  keep(info: TensorInfo): TensorInfo {
    const index = this.intermediates.indexOf(info);
    if (index >= 0) this.intermediates.splice(index, 1);
    return info;
  }

  /** Releases every intermediate not kept (reshapes share data and hold a reference each). */
  release(): void {
    for (const info of this.intermediates) this.backend.disposeData(info.dataId);
    this.intermediates.length = 0;
  }
}

/** Explicit NHWC padding, as the Conv2D kernel's `pad` attribute takes it. */
export type ExplicitPadding = [[0, 0], [number, number], [number, number], [0, 0]];

/**
 * Prepares `x` for a conv with the given spatial padding, which may be negative: negative
 * amounts crop `x` (one Slice), positive ones are left to the conv's explicit padding, so
 * nothing is padded in memory.
 */
export function cropForPadding(
  calls: KernelCalls,
  x: TensorInfo,
  top: number,
  bottom: number,
  left: number,
  right: number,
): { x: TensorInfo; pad: ExplicitPadding } {
  const crop = [Math.max(0, -top), Math.max(0, -bottom), Math.max(0, -left), Math.max(0, -right)];
  let out = x;
  if (crop.some((c) => c > 0)) {
    const [n, h, w, c] = x.shape;
    out = calls.run('Slice', { x }, {
      begin: [0, crop[0], crop[2], 0],
      size: [n, h - crop[0] - crop[1], w - crop[2] - crop[3], c],
    });
  }
  const pad: ExplicitPadding = [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]];
  return { x: out, pad };
}

/** The next multiple of `multiple` at or above `n`. */
export function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}

/** `x` with zeros appended along `axis` up to `size` (one PadV2); `x` itself when it is that size already. */
export function padAxis(calls: KernelCalls, x: TensorInfo, axis: number, size: number): TensorInfo {
  const extra = size - x.shape[axis];
  if (extra === 0) return x;
  const paddings = x.shape.map((_, i) => [0, i === axis ? extra : 0]);
  return calls.run('PadV2', { x }, { paddings, constantValue: 0 } as unknown as NamedAttrMap);
}

/** The leading `shape` block of `x` (one Slice); `x` itself when it has that shape already. */
export function cropTo(calls: KernelCalls, x: TensorInfo, shape: readonly number[]): TensorInfo {
  if (shape.every((d, i) => d === x.shape[i])) return x;
  return calls.run('Slice', { x }, { begin: shape.map(() => 0), size: [...shape] });
}
