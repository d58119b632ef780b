import type { PrunebenchConfig } from '@prunebench/core';

/**
 * The built-in quick study: what `prunebench run` (and `npm start`) runs with no config.
 * The study's design at a size that finishes in minutes on 2 cores: a small VGG-style net on a
 * Fashion-MNIST subset, one plan (half the filters of every prunable layer) applied with the
 * l1 criterion and at random, retrained under FT, LRW, SLR and CLR at two budgets (1 and 2
 * epochs, so accuracy vs budget has a shape), with two seeds so the report shows a spread (std,
 * 95% CI, paired gains and lift over random). 3,520 training images keep it, by the cost model,
 * no slower than the one-budget study of 3 epochs on 3,840 it replaced (quick-study.test.ts).
 */
export const QUICK_STUDY: PrunebenchConfig = {
  // A validation split, held out of the train source, picks the report's best cells (★); test only reports them.
  dataset: { use: 'fashion-mnist', trainSize: 3520, validationSize: 500, testSize: 2000 },
  model: 'vgg-small',
  original: { epochs: 8, batchSize: 64, lr: 0.1, milestones: [4, 6], gamma: 0.1, momentum: 0.9, weightDecay: 5e-4 },
  pruners: [
    { use: 'l1', plan: { use: 'uniform', ratio: 0.5 } },
    { use: 'random', plan: { use: 'uniform', ratio: 0.5 } },
  ],
  schedules: ['ft', 'lrw', 'slr', 'clr'],
  budgets: [1, 2],
  seeds: [0, 1],
  baselines: ['pruned'],
  out: 'prunebench-results/quick-study',
};
