import { emptyLedgerEntries } from '@prunebench/core';
import { expandStudy, type Job } from '../study/jobs';
import type { RunRecord } from '../study/record';
import { analyzeStudy } from './analysis';
import { checkCompression, compressionClasses, prunedMacsByUnit } from './compression-audit';
import { toMarkdown } from './document';
import { studyReportBlocks } from './study-report';
import { testStudyDefinition } from './test-study-definition';

const study = testStudyDefinition({
  pruners: [
    { id: 'l1', options: { plan: { use: 'global', ratio: 0.5 } } },
    { id: 'fpgm', options: { plan: { use: 'uniform', ratio: 0.5 } } },
    { id: 'random', options: { plan: { use: 'global', ratio: 0.5 } } },
  ],
  schedules: [{ id: 'ft', options: {} }, { id: 'lrw', options: {} }],
  budgets: [2],
});

/** Pruned MACs per pruner label: l1 and random under global differ by 5% of the original's 1000; fpgm within 0.4% of l1. */
const MACS: Record<string, number> = { 'l1/global': 500, 'fpgm/uniform': 504, 'random/global': 550 };

function record(job: Job): RunRecord {
  const base: RunRecord = { id: job.id, kind: job.kind, status: 'finished', seed: job.seed, definition: job.definition, configFile: null, versions: { prunebench: '0', tfjs: '0', backend: 'wasm' }, startedAt: '', finishedAt: '' };
  const acc = (top1: number) => ({ test: { loss: 1, top1, examples: 500 } });
  if (job.kind === 'original') return { ...base, metrics: acc(0.9), cost: { before: { params: 10, macs: 1000 }, after: { params: 10, macs: 1000 } } };
  const after = { params: 5, macs: MACS[job.prunerLabel] };
  if (job.kind === 'prune') return { ...base, pruner: job.prunerLabel, metrics: acc(0.3), ledger: emptyLedgerEntries(), cost: { before: { params: 10, macs: 1000 }, after } };
  if (job.kind !== 'retrain') return base;
  // random (the largest model) is the most accurate: were it compared, it would take ★.
  const top1 = 0.8 + (job.prunerLabel === 'random/global' ? 0.05 : 0) + job.seed / 1000;
  return { ...base, pruner: job.prunerLabel, schedule: job.scheduleLabel, budget: job.budget, metrics: acc(top1), cost: { before: { params: 10, macs: 1000 }, after } };
}

describe('the equal-compression audit', () => {
  const records = expandStudy(study).map(record);
  const unit = (r: RunRecord) => String(r.seed);

  it('groups pruners whose pruned MACs agree within 1% of the original, seed by seed', () => {
    const macs = prunedMacsByUnit(records, unit);
    expect(checkCompression(macs, 'l1/global', 'fpgm/uniform', 1000)).toEqual(expect.objectContaining({ equal: true, difference: 0.004 }));
    expect(checkCompression(macs, 'l1/global', 'random/global', 1000)).toEqual(expect.objectContaining({ equal: false, difference: 0.05, macsA: 500, macsB: 550 }));
    expect(checkCompression(macs, 'l1/global', 'random/global', 1000, 0.06)!.equal).toBe(true);
    expect(compressionClasses(['l1/global', 'fpgm/uniform', 'random/global'], macs, 1000)).toEqual([['l1/global', 'fpgm/uniform'], ['random/global']]);
  });

  it('a study whose two pruners differ by more than the tolerance: no lift, no shared table, no shared ★', () => {
    const a = analyzeStudy(records, study);
    expect(a.lifts.filter((l) => l.pruner === 'l1/global')).toEqual([]);
    expect(a.compression.refused).toEqual([expect.objectContaining({ a: 'l1/global', b: 'random/global', equal: false })]);
    // One ★ per group of equal compression: random's larger model does not outrank l1's.
    expect(a.cells.filter((c) => c.best).map((c) => c.pruner).sort()).toEqual(['l1/global', 'random/global']);
    const md = toMarkdown(studyReportBlocks({ title: 't', records, analysis: a, study, figures: [], figureNotes: [], allRows: { kind: 'paragraph', text: '' } }));
    const budgetTables = md.match(/2-epoch retraining budget[^\n]*\n(?:\n?\|[^\n]*\n)+/g)!;
    expect(budgetTables).toHaveLength(2);
    for (const table of budgetTables) expect(table.includes('| l1/global |') && table.includes('| random/global |')).toBe(false);
    expect(md).toMatch(/`l1\/global` \(500 MACs\) and `random\/global` \(550 MACs\) are not compared: their pruned models differ by 5\.00% of the original's MACs, more than the 1\.00% tolerance/);
  });

  it('with a looser tolerance the same study compares them', () => {
    const a = analyzeStudy(records, study, { compressionTolerance: 0.06 });
    expect(a.compression.refused).toEqual([]);
    expect(a.lifts.filter((l) => l.pruner === 'l1/global' && l.against === 'random/global')).toHaveLength(2);
    expect(a.compression.classes).toHaveLength(1);
  });
});
