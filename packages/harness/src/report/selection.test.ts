import type { StudyDefinition } from '../study/definition';
import { expandStudy, type Job } from '../study/jobs';
import type { RunRecord } from '../study/record';
import { summarizeSample } from '../study/statistics';
import { analyzeStudy } from './analysis';
import { toMarkdown } from './document';
import { formatSample } from './format';
import { studyReportBlocks } from './study-report';
import { testStudyDefinition } from './test-study-definition';

const study = (seeds: number[]): StudyDefinition =>
  testStudyDefinition({
    pruners: [{ id: 'l1', options: { plan: 'uniform' } }],
    schedules: [{ id: 'ft', options: {} }, { id: 'lrw', options: {} }, { id: 'slr', options: {} }],
    budgets: [1, 4],
    seeds,
  });

/**
 * At 4 epochs: slr is best on test, lrw on validation. At 1 epoch lrw runs ft's LR curve exactly
 * (one digest), as LRW does when the budget is shorter than its rewind.
 */
function records(seeds: number[], withValidation: boolean): RunRecord[] {
  return expandStudy(study(seeds)).map((job: Job) => {
    const base: RunRecord = { id: job.id, kind: job.kind, status: 'finished', seed: job.seed, definition: job.definition, configFile: null, versions: { prunebench: '0', tfjs: '0', backend: 'wasm' }, startedAt: '', finishedAt: '' };
    if (job.kind !== 'retrain') return { ...base, metrics: { test: { loss: 1, top1: 0.5, examples: 100 } } };
    const test = 0.8 + (job.scheduleLabel === 'slr' ? 0.02 : job.scheduleLabel === 'lrw' ? 0.01 : 0) + job.seed / 1000;
    const validation = 0.8 + (job.scheduleLabel === 'lrw' ? 0.03 : 0);
    const digest = job.budget === 1 && job.scheduleLabel !== 'slr' ? 'ft-curve' : `${job.scheduleLabel}-${job.budget}`;
    return {
      ...base,
      pruner: job.prunerLabel,
      schedule: job.scheduleLabel,
      budget: job.budget,
      scheduleDigest: digest,
      metrics: { test: { loss: 1, top1: job.budget === 1 && job.scheduleLabel === 'lrw' ? 0.8 + job.seed / 1000 : test, examples: 100 }, ...(withValidation ? { validation: { loss: 1, top1: validation, examples: 50 } } : {}) },
    };
  });
}

const report = (seeds: number[], withValidation: boolean) => {
  const rs = records(seeds, withValidation);
  const analysis = analyzeStudy(rs, study(seeds));
  return { analysis, md: toMarkdown(studyReportBlocks({ title: 't', records: rs, analysis, study: study(seeds), figures: [], figureNotes: [], allRows: { kind: 'paragraph', text: '' } })) };
};

describe('selection on validation, and honest small n', () => {
  it('picks ★ on validation and shows that cell\'s test accuracy', () => {
    const { analysis, md } = report([0, 1, 2], true);
    expect(analysis.selection).toEqual({ split: 'validation', seeds: 3, starred: true });
    const starred = analysis.cells.filter((c) => c.best && c.budget === 4);
    expect(starred.map((c) => c.schedule)).toEqual(['lrw']); // slr has the higher test mean
    expect(md).toMatch(/★ marks the best cell of each table by its validation accuracy/);
    expect(md).toMatch(/\| l1\/uniform \| [^|]+ \| \*\*81\.10 ± 0\.10 \[[\d.]+, [\d.]+\] ★\*\* \| 82\.10/);
  });

  it('without a validation split, the pick is on test and the report says so', () => {
    const { analysis, md } = report([0, 1, 2], false);
    expect(analysis.selection.split).toBe('test');
    expect(analysis.cells.filter((c) => c.best && c.budget === 4).map((c) => c.schedule)).toEqual(['slr']);
    expect(md).toMatch(/the pick was made on test, which favours the cell it picks/);
  });

  it('below 3 seeds: no ★, and a sentence that no interval excludes anything', () => {
    const { analysis, md } = report([0, 1], true);
    expect(analysis.cells.some((c) => c.best)).toBe(false);
    expect(md).not.toMatch(/★\*\*/); // no starred cell (the sentence names the mark)
    expect(md).toMatch(/With 2 seeds \(fewer than 3\), no interval excludes anything: no ★ is given/);
  });

  it('identical runs are shown once, with the schedule they stand for, and counted once', () => {
    const { analysis, md } = report([0, 1, 2], true);
    const lrw1 = analysis.cells.find((c) => c.schedule === 'lrw' && c.budget === 1)!;
    expect(lrw1.sameAs).toBe('ft');
    expect(analysis.cells.filter((c) => c.sameAs).length).toBe(1);
    expect(analysis.gains.find((g) => g.schedule === 'lrw' && g.budget === 1)).toEqual(expect.objectContaining({ identical: true }));
    expect(analysis.retrainRuns).toEqual({ distinct: 15, total: 18 });
    expect(md).toMatch(/\| l1\/uniform \| [^|]+ \| = ft \| /);
    expect(md).toMatch(/identical runs \(= ft\)/);
    expect(md).toMatch(/15 distinct of 18 retraining runs/);
  });

  it('clips an accuracy interval to [0, 100] and labels it', () => {
    expect(formatSample(summarizeSample([0.05, 0.25]))).toBe('15.00 ± 14.14 [0.00, 100.00] (clipped)');
    expect(formatSample(summarizeSample([0.5, 0.52, 0.54]))).not.toMatch(/clipped/);
  });
});
