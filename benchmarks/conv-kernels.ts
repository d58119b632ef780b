// Per-kernel GFLOP/s of conv2d forward, input gradient and filter gradient on wasm, stock and
// accelerated, for the conv shapes of the benchmark models (batch 32 to keep it quick).
// Usage: npx tsc -b benchmarks && node benchmarks/dist/conv-kernels.js
import 'reflect-metadata';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { loopMeasurer } from '@prunebench/harness';
import { registerAcceleratedWasmKernels, unregisterAcceleratedWasmKernels } from '@prunebench/backend-wasm';

interface ConvCase {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: 'same' | 'valid';
}

const CASES: ConvCase[] = [
  { label: 'ref-cnn conv2 (26x26, 32->64, valid)', x: [32, 26, 26, 32], filter: [3, 3, 32, 64], stride: 1, pad: 'valid' },
  { label: 'ref-cnn conv3 (12x12, 64->128, valid)', x: [32, 12, 12, 64], filter: [3, 3, 64, 128], stride: 1, pad: 'valid' },
  { label: 'resnet20 stage 1 (32x32, 16->16, same)', x: [32, 32, 32, 16], filter: [3, 3, 16, 16], stride: 1, pad: 'same' },
  { label: 'resnet20 down (32x32, 16->32, stride 2)', x: [32, 32, 32, 16], filter: [3, 3, 16, 32], stride: 2, pad: 'same' },
  { label: 'resnet20 stage 3 (8x8, 64->64, same)', x: [32, 8, 8, 64], filter: [3, 3, 64, 64], stride: 1, pad: 'same' },
];

/** Several warm-up calls: the accelerated kernels' JS loops need the JIT to reach full speed. */
async function gflops(flops: number, fn: () => tf.Tensor, iterations: number, warmup = 5): Promise<number> {
  const { meanMs } = await loopMeasurer('kernel', async () => {
    const out = fn();
    await out.data();
    out.dispose();
  }, { warmup, iterations });
  return flops / (meanMs * 1e6);
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  const rows: string[][] = [];
  for (const c of CASES) {
    const x = tf.randomNormal(c.x) as tf.Tensor4D;
    const w = tf.randomNormal(c.filter) as tf.Tensor4D;
    const y = tf.conv2d(x, w, c.stride, c.pad);
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const flops = 2 * y.size * c.filter[0] * c.filter[1] * c.filter[2];
    const input = () => tf.conv2dTranspose(dy, w, c.x, c.stride, c.pad);
    const filter = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter }) as tf.Tensor;
    unregisterAcceleratedWasmKernels();
    const forward = await gflops(flops, () => tf.conv2d(x, w, c.stride, c.pad), 5);
    const stockInput = await gflops(flops, input, 2, 1);
    registerAcceleratedWasmKernels({ force: true });
    // The forward-conv formulations, then the direct SIMD loops (the default where shapes allow).
    process.env.PRUNEBENCH_SIMD_INPUT_GRADIENT = '0';
    process.env.PRUNEBENCH_SIMD_FILTER_GRADIENT = '0';
    const convInput = await gflops(flops, input, 10);
    const convFilter = await gflops(flops, filter, 10);
    delete process.env.PRUNEBENCH_SIMD_INPUT_GRADIENT;
    delete process.env.PRUNEBENCH_SIMD_FILTER_GRADIENT;
    const simdInput = await gflops(flops, input, 10);
    const simdFilter = await gflops(flops, filter, 10);
    rows.push([c.label, forward.toFixed(1), stockInput.toFixed(1), convInput.toFixed(1), simdInput.toFixed(1), 'none', convFilter.toFixed(1), simdFilter.toFixed(1)]);
    tf.dispose([x, w, y, dy]);
  }
  const header = ['conv (batch 32)', 'forward', 'dx stock', 'dx via conv', 'dx SIMD', 'dW stock', 'dW via conv', 'dW SIMD'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(`GFLOP/s on wasm (each kernel counted at the forward conv's 2 x MACs); load average ${require('node:os').loadavg().map((l: number) => l.toFixed(1)).join(' ')}\n${line(header)}\n${line(widths.map((n) => '-'.repeat(n)))}\n${rows.map(line).join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
