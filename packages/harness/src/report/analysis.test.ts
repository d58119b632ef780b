import { emptyLedgerEntries } from '@prunebench/core';
import { expandStudy, type Job } from '../study/jobs';
import type { RunRecord } from '../study/record';
import { analyzeStudy } from './analysis';
import { toHtml, toMarkdown } from './document';
import { studyReportBlocks } from './study-report';
import { testStudyDefinition } from './test-study-definition';

const study = testStudyDefinition({
  dataset: { id: 'synthetic', options: { path: '/home/someone/data' } },
  pruners: [{ id: 'l1', options: { plan: 'uniform' } }, { id: 'random', options: { plan: 'uniform' } }],
  schedules: [{ id: 'ft', options: {} }, { id: 'slr', options: {} }],
  budgets: [2, 12],
  baselines: ['pruned'],
});

/** Accuracies chosen so every claim below is known: slr beats ft by 1, 2, 3 pp; l1 beats random by 0.5 pp. */
function record(job: Job): RunRecord {
  const base: RunRecord = { id: job.id, kind: job.kind, status: 'finished', seed: job.seed, definition: job.definition, configFile: null, versions: { prunebench: '0', tfjs: '0', backend: 'wasm' }, startedAt: '', finishedAt: '2026-01-01T00:00:00Z' };
  const acc = (top1: number) => ({ test: { loss: 1, top1, examples: 1000 } });
  if (job.kind === 'original') return { ...base, metrics: acc(0.9), cost: { before: { params: 10, macs: 100 }, after: { params: 10, macs: 100 } } };
  if (job.kind === 'prune') return { ...base, pruner: job.prunerLabel, metrics: acc(0.2 + job.seed / 100), ledger: emptyLedgerEntries() };
  if (job.kind !== 'retrain') return base;
  const top1 = 0.8 + (job.scheduleLabel === 'slr' ? (job.seed + 1) / 100 : 0) + (job.prunerLabel.startsWith('l1') ? 0.005 : 0) + job.budget / 1000;
  return { ...base, pruner: job.prunerLabel, schedule: job.scheduleLabel, budget: job.budget, metrics: acc(top1), cost: { before: { params: 10, macs: 100 }, after: { params: 5, macs: 40 } } };
}

describe('analyzeStudy', () => {
  const records = expandStudy(study).map(record);

  it('pairs by seed: gains over the reference schedule and lift over random, with CI and sign counts', () => {
    const a = analyzeStudy(records, study);
    const gain = a.gains.find((g) => g.pruner === 'l1/uniform' && g.schedule === 'slr' && g.budget === 2)!;
    expect(gain.against).toBe('ft');
    expect(gain.difference.mean).toBeCloseTo(0.02, 12);
    expect(gain.difference.std).toBeCloseTo(0.01, 12);
    expect(gain.difference.ci95).toBeCloseTo(4.302653 * 0.01 / Math.sqrt(3), 6);
    expect([gain.difference.positive, gain.difference.negative]).toEqual([3, 0]);
    const lift = a.lifts.find((l) => l.pruner === 'l1/uniform' && l.schedule === 'ft' && l.budget === 12)!;
    expect(lift.against).toBe('random/uniform');
    expect(lift.difference.mean).toBeCloseTo(0.005, 12);
    expect(lift.difference.positive).toBe(3);
    // The best cell of each budget: l1 under slr.
    expect(a.cells.filter((c) => c.best).map((c) => `${c.pruner} ${c.schedule} ${c.budget}`)).toEqual(['l1/uniform slr 2', 'l1/uniform slr 12']);
    expect(a.noise!.testExamples).toBe(1000);
    expect(a.noise!.stdError).toBeCloseTo(Math.sqrt(0.9 * 0.1 / 1000), 12);
    expect(a.scheduleNotes).toEqual([expect.stringMatching(/^slr at 2 epochs: its warm-up is empty/)]);
    expect(a.pruned.map((p) => p.top1.n)).toEqual([3, 3]);
  });

  it('lists every failed or diverged run with its error, and the report says so', () => {
    const broken = records.map((r, i) => (r.kind === 'retrain' && i % 7 === 0 ? { ...r, status: 'diverged' as const, error: 'diverged at step 3 (loss NaN)', metrics: undefined } : r));
    broken.push({ ...broken[0], id: 'retrain-oops', kind: 'retrain', status: 'failed', error: 'Error: out of memory\n    at stack', pruner: 'l1/uniform', schedule: 'ft', budget: 2 });
    const a = analyzeStudy(broken, study);
    expect(a.failures.filter((f) => f.status === 'diverged').length).toBeGreaterThan(0);
    expect(a.failures.find((f) => f.id === 'retrain-oops')).toEqual(expect.objectContaining({ status: 'failed', error: expect.stringMatching(/^Error: out of memory/) }));
    const blocks = studyReportBlocks({ title: 't', records: broken, analysis: a, study, figures: [], figureNotes: [], allRows: { kind: 'paragraph', text: '' } });
    const md = toMarkdown(blocks);
    expect(md).toMatch(/## Failed or diverged runs/);
    expect(md).toMatch(/`retrain-oops` \| retrain: l1\/uniform × ft × 2 ep × seed 0 \| failed \| Error: out of memory \|/);
    expect(md).toMatch(/diverged at step 3 \(loss NaN\)/);
    expect(md).toMatch(/runs did not finish/);
    expect(md).not.toContain('/home/someone'); // machine paths are cut to their base name
    expect(md).toContain('path: …/data');
    expect(toHtml('t', blocks)).toMatch(/<h2>Failed or diverged runs<\/h2>/);
  });

  it('promises no spread with a single seed', () => {
    const one = expandStudy({ ...study, seeds: [0] }).map(record);
    const a = analyzeStudy(one, { ...study, seeds: [0] });
    const md = toMarkdown(studyReportBlocks({ title: 't', records: one, analysis: a, study, figures: [], figureNotes: [], allRows: { kind: 'paragraph', text: '' } }));
    expect(md).toMatch(/of a single seed: no spread can be shown/);
    expect(md).not.toMatch(/\d ± \d/); // no std (the binomial error is stated as ±x pp)
  });
});
