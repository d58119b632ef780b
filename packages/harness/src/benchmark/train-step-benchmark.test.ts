import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { acceleratedWasmKernelsRegistered } from '@prunebench/backend-wasm';
import { forwardMacsPerExample, trainingFlopsPerExample } from './flops';
import { formatTrainingBenchmark } from './format';
import { miniResNet20, referenceCnn } from './reference-models';
import { computeRatios, runTrainingBenchmark } from './train-step-benchmark';

describe('training benchmark', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('counts the forward MACs of the reference CNN and ResNet-20', () => {
    const cnn = referenceCnn();
    // conv 26*26*32*9*1 + conv 24*24*64*9*32 + conv 10*10*128*9*64 + dense 5*5*128*10
    expect(forwardMacsPerExample(cnn)).toBe(194688 + 10616832 + 7372800 + 32000);
    expect(trainingFlopsPerExample(cnn)).toBe(6 * forwardMacsPerExample(cnn));
    const resnet = miniResNet20();
    expect(resnet.layers.filter((l) => l.getClassName() === 'Conv2D')).toHaveLength(19);
    // ~40.6M MACs per 32x32 image for CIFAR ResNet-20 (He et al. report 41M FLOPs-as-MACs).
    expect(forwardMacsPerExample(resnet) / 1e6).toBeCloseTo(40.6, 0);
    cnn.dispose();
    resnet.dispose();
  });

  it('measures every backend in one run, reporting what cannot run instead of crashing', async () => {
    const before = tf.memory().numTensors;
    const report = await runTrainingBenchmark({
      models: ['reference-cnn'],
      // cpu is left out: its Conv2DBackpropFilter takes seconds per image; it runs the same code.
      backends: ['wasm', 'wasm-accelerated', 'tensorflow'],
      batchSize: 2,
      warmupSteps: 0,
      measuredSteps: 1,
    });
    const row = report.models['reference-cnn'];
    expect(row['wasm-accelerated'].status).toBe('ok');
    expect(row['wasm-accelerated'].imagesPerSecond).toBeGreaterThan(0);
    expect(row['wasm-accelerated'].gflops).toBeGreaterThan(0);
    expect(row.wasm.status).toBe('cannot run');
    expect(row.wasm.reason).toMatch(/Conv2DBackpropFilter/);
    expect(row.tensorflow.status).toBe('unavailable');
    expect(report.forwardConvGflops['wasm-accelerated']).toBeGreaterThan(0);
    expect(report.forwardConvGflops.tensorflow).toBeNull();
    expect(report.ratios['reference-cnn'].speedups).toEqual({}); // nothing else ran
    expect(report.ratios['reference-cnn'].trainingOverForwardConv['wasm-accelerated']).toBeGreaterThan(0);
    expect(formatTrainingBenchmark(report)).toMatch(/wasm\s+-\s+-\s+-\s+\d+\.\d+\s+-\s+cannot run: the wasm backend has no Conv2DBackpropFilter/);
    expect(acceleratedWasmKernelsRegistered()).toBe(false); // restored as found
    expect(tf.memory().numTensors).toBe(before);
  });

  it('computes speed-ups over every backend that ran and training / forward-conv GFLOP/s', () => {
    const ok = (imagesPerSecond: number, gflops: number) => ({ status: 'ok' as const, imagesPerSecond, gflops });
    const ratios = computeRatios({
      models: {
        m: {
          cpu: ok(2, 0.2),
          wasm: { status: 'cannot run', imagesPerSecond: null, gflops: null },
          'wasm-accelerated': ok(60, 6),
        },
      },
      forwardConvGflops: { cpu: 0.5, wasm: 12, 'wasm-accelerated': 12 },
    });
    expect(ratios.m.speedups).toEqual({ 'wasm-accelerated/cpu': 30 });
    expect(ratios.m.trainingOverForwardConv).toEqual({ cpu: 0.4, 'wasm-accelerated': 0.5 });
  });

  it('divides by the forward conv measured around the model\'s own steps when there is one', () => {
    const ratios = computeRatios({
      models: { m: { 'wasm-accelerated': { status: 'ok' as const, imagesPerSecond: 60, gflops: 6, forwardConvGflops: 8 } } },
      forwardConvGflops: { 'wasm-accelerated': 12 },
    });
    expect(ratios.m.trainingOverForwardConv).toEqual({ 'wasm-accelerated': 0.75 });
  });
});
