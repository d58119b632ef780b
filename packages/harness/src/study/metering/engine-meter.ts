import * as tf from '@tensorflow/tfjs-core';

/** Multiply-accumulates the engine executed, in total and per kernel. */
export interface ComputeTally {
  macs: number;
  byKernel: Record<string, { calls: number; macs: number }>;
}

type Shape = readonly number[];
const size = (shape: Shape) => shape.reduce((a, b) => a * b, 1);

/**
 * MACs of one kernel call, from its inputs, attributes and output. Covers the kernels that
 * carry a network's work (convolutions and matrix products, forward and backward); every
 * other kernel (elementwise, pooling, reductions) costs O(output) and is not counted.
 */
export function kernelMacs(kernel: string, inputs: Record<string, { shape: Shape } | undefined>, attrs: Record<string, unknown>, output: Shape): number {
  switch (kernel) {
    case 'Conv2D':
    case 'FusedConv2D': {
      // filter [kh, kw, in, out]: each output element sums kh × kw × in products.
      const [kh, kw, cin] = inputs.filter!.shape;
      return size(output) * kh * kw * cin;
    }
    case 'Conv2DBackpropInput': {
      // dy [n, h', w', out], filter [kh, kw, in, out]: the forward's work again.
      const [kh, kw, cin] = inputs.filter!.shape;
      return size(inputs.dy!.shape) * kh * kw * cin;
    }
    case 'Conv2DBackpropFilter': {
      // output is the filter gradient [kh, kw, in, out]: each entry sums n × h' × w' products.
      const dy = inputs.dy!.shape;
      return size(output) * dy[0] * dy[1] * dy[2];
    }
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2D': {
      const [kh, kw] = inputs.filter!.shape;
      return size(output) * kh * kw;
    }
    case 'DepthwiseConv2dNativeBackpropInput': {
      const [kh, kw] = inputs.filter!.shape;
      return size(inputs.dy!.shape) * kh * kw;
    }
    case 'DepthwiseConv2dNativeBackpropFilter': {
      const [kh, kw] = output;
      return size(inputs.dy!.shape) * kh * kw;
    }
    case 'BatchMatMul':
    case '_FusedMatMul': {
      const a = inputs.a!.shape;
      const inner = attrs.transposeA ? a[a.length - 2] : a[a.length - 1];
      return size(output) * inner;
    }
    default:
      return 0;
  }
}

const tallies: ComputeTally[] = [];
let depth = 0;
let installed: ReturnType<typeof tf.engine> | null = null;

/**
 * Routes every kernel the engine runs through a counter. Installed once per thread (each worker
 * thread has its own engine) on the engine itself, so it counts whatever calls tfjs: the
 * harness, a plugin calling tfjs directly, gradients (which run as kernels too); on every
 * backend. Kernels a kernel runs internally (prunebench's wasm gradients call wasm's Conv2D)
 * are not counted twice: only the outermost call counts.
 */
function install(): void {
  const engine = tf.engine();
  if (installed === engine) return;
  installed = engine;
  const original = engine.runKernel.bind(engine) as (name: string, inputs: tf.NamedTensorMap, attrs?: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
  (engine as unknown as { runKernel: typeof original }).runKernel = function runKernel(name, inputs, attrs) {
    if (tallies.length === 0 || depth > 0) return original(name, inputs, attrs);
    depth++;
    let out: tf.Tensor | tf.Tensor[];
    try {
      out = original(name, inputs, attrs);
    } finally {
      depth--;
    }
    const first = Array.isArray(out) ? out[0] : out;
    const macs = first ? kernelMacs(name, inputs as Record<string, tf.Tensor>, attrs ?? {}, first.shape) : 0;
    if (macs > 0) {
      for (const tally of tallies) {
        tally.macs += macs;
        const entry = (tally.byKernel[name] ??= { calls: 0, macs: 0 });
        entry.calls += 1;
        entry.macs += macs;
      }
    }
    return out;
  };
}

/**
 * Counts the compute the engine executes while `work` runs. A thread runs one job at a time,
 * so everything the engine does meanwhile is the job's; meters may nest (each counts all).
 */
export async function meterCompute<T>(work: () => Promise<T>): Promise<{ result: T; compute: ComputeTally }> {
  install();
  const tally: ComputeTally = { macs: 0, byKernel: {} };
  tallies.push(tally);
  try {
    return { result: await work(), compute: tally };
  } finally {
    tallies.splice(tallies.indexOf(tally), 1);
  }
}
