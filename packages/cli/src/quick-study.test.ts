import { validateConfigStructure } from '@prunebench/core/config';
import { QUICK_STUDY } from './quick-study';

describe('the built-in quick study', () => {
  it('is a valid config with at least two seeds, so its report can show a spread', () => {
    expect(() => validateConfigStructure(QUICK_STUDY)).not.toThrow();
    expect(QUICK_STUDY.seeds!.length).toBeGreaterThanOrEqual(2);
  });

  it('trains on no more samples than the one-seed study timed at 5 min 51 s (benchmarks/README.md), so it stays within 10 minutes', () => {
    // Training samples: originals (E_orig epochs per seed) + retraining (pruners × schedules × budgets per seed).
    const train = (QUICK_STUDY.dataset as unknown as { trainSize: number }).trainSize;
    const perSeed = train * (QUICK_STUDY.original!.epochs! + QUICK_STUDY.pruners!.length * QUICK_STUDY.schedules!.length * QUICK_STUDY.budgets!.reduce((a, b) => a + b, 0));
    const timedOneSeed = 6400 * (8 + 2 * 4 * 3); // 204,800 samples in 5 min 51 s
    const samples = perSeed * QUICK_STUDY.seeds!.length;
    expect(samples * (351 / timedOneSeed)).toBeLessThan(600 * 0.8); // estimated seconds, with a 20% margin under 10 minutes
  });
});
