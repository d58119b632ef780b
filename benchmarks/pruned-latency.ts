// Inference latency of built-in models before and after pruning, on wasm with prunebench's
// kernels, BatchNorm folded into the convs (what evaluation runs): measured speed-up against
// the MAC (multiply-accumulate) reduction, and the pruned widths that are not a multiple of 4 (wasm's SIMD width).
// Original and pruned model (and the original without BN folding) are timed in alternating
// rounds in one process, so machine load hits all alike; the median round counts.
// Usage: npx tsc -b benchmarks && node benchmarks/dist/pruned-latency.js [--batch 64] [--rounds 5] [--iterations 3] [--json]
import 'reflect-metadata';
import '@tensorflow/tfjs-backend-wasm';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { buildChannelGraph, countCost, createComponent, createPruneContext, RunLedger, setupPlugins, type Plan, type Pruner } from '@prunebench/core';
import { foldBatchNorm, selectBackend } from '@prunebench/harness';
import { buildCifarResNet, buildCifarVgg, VGG_WIDTHS } from '@prunebench/models';
import pruners, { PfecAPlan, UniformPlan } from '@prunebench/pruners';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

interface Case {
  label: string;
  build: () => LayersModel;
  plan: () => Plan;
}

const CIFAR = { inputShape: [32, 32, 3], numClasses: 10, seed: 1 };
const CASES: Case[] = [
  { label: 'vgg16 + pfec-a', build: () => buildCifarVgg('vgg16', CIFAR, VGG_WIDTHS.vgg16), plan: () => new PfecAPlan({}) },
  { label: 'resnet56 + uniform 50%', build: () => buildCifarResNet(56, CIFAR), plan: () => uniform(0.5, 1) },
  // 30% leaves widths like 89 and 179: the same plan with and without roundTo 4.
  { label: 'vgg16 + uniform 30%', build: () => buildCifarVgg('vgg16', CIFAR, VGG_WIDTHS.vgg16), plan: () => uniform(0.3, 1) },
  { label: 'vgg16 + uniform 30%, roundTo 4', build: () => buildCifarVgg('vgg16', CIFAR, VGG_WIDTHS.vgg16), plan: () => uniform(0.3, 4) },
];

function uniform(ratio: number, roundTo: number): Plan {
  return new UniformPlan({ ratio, layers: 'conv', minChannels: 1, roundTo });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Mean ms per batch of `iterations` inference calls (after one untimed call). */
async function timeInference(model: LayersModel, x: tf.Tensor, iterations: number): Promise<number> {
  const once = async () => {
    const y = model.predict(x) as tf.Tensor;
    await y.data();
    y.dispose();
  };
  await once();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await once();
  return (performance.now() - start) / iterations;
}

/** Widths of convs that are not a multiple of 4, as "conv index: width". */
function unalignedWidths(model: LayersModel): string[] {
  const graph = buildChannelGraph(model);
  return graph.convs
    .map((c) => ({ index: c.index, width: (model.getLayer(c.layer).getConfig() as { filters: number }).filters }))
    .filter(({ width }) => width % 4 !== 0)
    .map(({ index, width }) => `conv ${index}: ${width}`);
}

async function main(): Promise<void> {
  const batch = Number(option('batch', '64'));
  const rounds = Number(option('rounds', '5'));
  const iterations = Number(option('iterations', '3'));
  const json = process.argv.includes('--json');
  const selection = await selectBackend('wasm');
  const { registry, container } = await setupPlugins({ builtins: [{ plugin: pruners, source: { packageName: '@prunebench/pruners' } }] });
  // The l1 criterion as a config names it; the case's plan is given in the prune context.
  const l1 = createComponent<Pruner>(container, registry, 'pruner', 'l1', {});
  const rows = [];
  for (const c of CASES) {
    const original = c.build();
    const pruned = (await l1.prune(original, createPruneContext({ seed: 0, ledger: new RunLedger(), plan: c.plan() }))).model;
    const [before, after] = [countCost(original), countCost(pruned)];
    const foldedOriginal = foldBatchNorm(original);
    const foldedPruned = foldBatchNorm(pruned);
    const x = tf.randomUniform([batch, ...CIFAR.inputShape], 0, 1, 'float32', 5);
    const originalMs: number[] = [];
    const prunedMs: number[] = [];
    const unfoldedMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      originalMs.push(await timeInference(foldedOriginal.model, x, iterations));
      prunedMs.push(await timeInference(foldedPruned.model, x, iterations));
      unfoldedMs.push(await timeInference(original, x, iterations));
    }
    const macsRatio = before.macs / after.macs;
    const speedup = median(originalMs) / median(prunedMs);
    rows.push({
      case: c.label,
      batch,
      originalMs: median(originalMs),
      prunedMs: median(prunedMs),
      /** The original without BatchNorm folding: what folding saves. */
      originalUnfoldedMs: median(unfoldedMs),
      imagesPerSecondOriginal: (1000 * batch) / median(originalMs),
      imagesPerSecondPruned: (1000 * batch) / median(prunedMs),
      macsBefore: before.macs,
      macsAfter: after.macs,
      macsRatio,
      speedup,
      speedupOverMacsRatio: speedup / macsRatio,
      foldedBatchNorms: foldedPruned.folded.length,
      unalignedWidths: unalignedWidths(pruned),
    });
    tf.dispose(x);
    foldedOriginal.dispose();
    foldedPruned.dispose();
    original.dispose();
    pruned.dispose();
  }
  const machine = { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg(), backend: selection.tfjsBackend, acceleratedKernels: selection.acceleratedKernels };
  if (json) {
    process.stdout.write(`${JSON.stringify({ rows, settings: { batch, rounds, iterations }, machine }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`Inference latency on ${machine.backend} (accelerated kernels: ${machine.acceleratedKernels}), BN folded, batch ${batch}, ` +
    `median of ${rounds} alternating rounds of ${iterations} calls; load average ${machine.loadAverage.map((l) => l.toFixed(1)).join(' ')}\n`);
  for (const r of rows) {
    process.stdout.write(`${r.case}: ${r.originalMs.toFixed(1)} ms -> ${r.prunedMs.toFixed(1)} ms per batch ` +
      `(${r.imagesPerSecondOriginal.toFixed(0)} -> ${r.imagesPerSecondPruned.toFixed(0)} img/s); MACs ${(r.macsBefore / 1e6).toFixed(1)}M -> ${(r.macsAfter / 1e6).toFixed(1)}M ` +
      `(${r.macsRatio.toFixed(2)}x fewer); measured speed-up ${r.speedup.toFixed(2)}x = ${r.speedupOverMacsRatio.toFixed(2)} of the MACs ratio (target >= 0.8); ` +
      `widths not a multiple of 4: ${r.unalignedWidths.length ? r.unalignedWidths.join(', ') : 'none'}; ` +
      `original without BN folding ${r.originalUnfoldedMs.toFixed(1)} ms (folding: ${(r.originalUnfoldedMs / r.originalMs).toFixed(2)}x)\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
