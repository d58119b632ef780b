// Every built-in model against the conformance kit, exactly as a third-party model runs it.
// Narrow widths (the models' own options) keep each build quick; the ImageNet ResNets have no
// width option and take 10–30 s per build on the cpu backend, so they run only with
// PRUNEBENCH_SLOW_TESTS=1.
import { describeModelConformance, useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { plugin } from './index';

// The kit runs on the backend its caller sets up: the one users get.
beforeAll(() => useBackend(wasmBackend));

const narrowVgg = (convs: number) => {
  // The CIFAR VGG layout (pools after blocks of 2, 2, n, n, n convs), 8–16 filters wide.
  const block = (n: number, width: number) => Array.from({ length: n }, () => width);
  const n = (convs - 4) / 3;
  return [...block(2, 8), 'M', ...block(2, 8), 'M', ...block(n, 16), 'M', ...block(n, 16), 'M', ...block(n, 16)];
};

const cases: Record<string, { options?: Record<string, unknown>; inputShape: number[]; invalid?: Array<Record<string, unknown>>; slow?: boolean }> = {
  vgg16: { options: { widths: narrowVgg(13), classifierWidth: 16 }, inputShape: [16, 16, 3], invalid: [{ widths: ['X'] }] },
  vgg19: { options: { widths: narrowVgg(16), classifierWidth: 16 }, inputShape: [16, 16, 3] },
  resnet20: { inputShape: [8, 8, 3], invalid: [{ blockWidths: [0] }] },
  resnet32: { inputShape: [8, 8, 3] },
  resnet44: { inputShape: [8, 8, 3] },
  resnet56: { inputShape: [8, 8, 3] },
  resnet110: { inputShape: [8, 8, 3] },
  resnet18: { inputShape: [32, 32, 3], slow: true },
  resnet34: { inputShape: [32, 32, 3], slow: true },
  resnet50: { inputShape: [32, 32, 3], slow: true },
  lenet5: { inputShape: [28, 28, 1] },
  'vgg-small': { options: { widths: [4, 'M', 8, 'M'], hiddenUnits: 8 }, inputShape: [8, 8, 1], invalid: [{ hiddenUnits: 0 }] },
};

const runSlow = process.env.PRUNEBENCH_SLOW_TESTS === '1';

for (const componentClass of plugin.models) {
  const c = cases[componentClass.id] ?? { inputShape: [...(componentClass.defaultInputShape ?? [16, 16, 3])] };
  if (c.slow && !runSlow) {
    describe(`model "${componentClass.id}" conformance`, () => {
      it.skip('runs with PRUNEBENCH_SLOW_TESTS=1 (a full-size ImageNet ResNet build takes 10–30 s on cpu)', () => undefined);
    });
    continue;
  }
  describeModelConformance({
    componentClass,
    options: c.options,
    invalidOptions: c.invalid,
    spec: { inputShape: c.inputShape, numClasses: 5 },
  });
}
