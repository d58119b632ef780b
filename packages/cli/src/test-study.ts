// A study small enough for a test: synthetic data, a small net, two pruners, two schedules.
export function tinyStudyConfig(out: string, overrides: Record<string, unknown> = {}) {
  return {
    dataset: { use: 'synthetic', inputShape: [16, 16, 1], numClasses: 4, trainSize: 256, testSize: 64, noise: 0.3 },
    model: 'vgg-small',
    original: { epochs: 3, batchSize: 32, lr: 0.05, milestones: [2], gamma: 0.1, momentum: 0.9, weightDecay: 1e-4 },
    pruners: [
      { use: 'l1', plan: { use: 'uniform', ratio: 0.5 } },
      { use: 'random', plan: { use: 'uniform', ratio: 0.5 } },
    ],
    schedules: ['ft', 'clr'],
    budgets: [1],
    seeds: [0],
    backend: 'wasm',
    workers: 1,
    out,
    ...overrides,
  };
}

