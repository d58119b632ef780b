import { estimateWallSeconds, expandStudy, openStudy, type StudyShape } from '@prunebench/harness';
import type { PrunebenchConfig } from '@prunebench/core';
import { BUILTIN_PLUGIN_MODULES } from './builtins';
import { QUICK_STUDY } from './quick-study';

/** The cost model's estimate for a quick-study-like config, at the speeds measured on vgg-small (wasm, 2 cores). */
async function estimate(config: PrunebenchConfig): Promise<number> {
  const { study } = await openStudy({ configFile: null, inlineConfig: config, dir: process.cwd(), builtinModules: BUILTIN_PLUGIN_MODULES, overrides: { workers: 2 } });
  const dataset = config.dataset as unknown as { trainSize: number; testSize: number; validationSize?: number };
  const shape: StudyShape = {
    examplesPerEpoch: Math.floor(dataset.trainSize / study.original.batchSize) * study.original.batchSize,
    evaluatedExamples: dataset.testSize + (dataset.validationSize ?? 0),
    // vgg-small on 28×28×1 and after the uniform 0.5 plan (`prunebench run --dry-run`).
    originalMacs: 5_569_408,
    prunedMacs: { 'l1/uniform': 1_430_272, 'random/uniform': 1_430_272 },
  };
  // 333 and 849 training examples/s (the dry run's calibration): 0.5 s per run, forward passes at 0.3 of a step.
  const perMac = (1 / 333 - 1 / 849) / (5_569_408 - 1_430_272);
  const speed = { perExample: 1 / 849 - perMac * 1_430_272, perMac, forwardFraction: 0.3, perRun: 0.5 };
  return estimateWallSeconds(expandStudy(study), study, shape, speed, 2);
}

describe('the quick study, by the cost model', () => {
  it('retrains at two budgets at least, so Figure 2 (accuracy vs budget) has a shape', () => {
    expect(QUICK_STUDY.budgets!.length).toBeGreaterThanOrEqual(2);
  });

  it('is no slower than the one-budget quick study it replaced (3,840 images, 3 epochs)', async () => {
    const previous: PrunebenchConfig = { ...QUICK_STUDY, dataset: { ...(QUICK_STUDY.dataset as object), trainSize: 3840 } as unknown as PrunebenchConfig['dataset'], budgets: [3] };
    const now = await estimate(QUICK_STUDY);
    const before = await estimate(previous);
    expect(now).toBeLessThanOrEqual(before);
    expect(now).toBeGreaterThan(0.8 * before); // not shrunk past need either
  });
});
