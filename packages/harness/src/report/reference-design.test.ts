import type { RunRecord } from '../study/record';
import { checkReferenceDesign, phaseGains, type DesignProperty } from './reference-design';
import { referenceFixture } from './test-reference-study';

const satisfying = () => referenceFixture();

function failing(records: RunRecord[], histories: Map<string, string>): DesignProperty[] {
  return checkReferenceDesign(records, (id) => histories.get(id))
    .filter((c) => !c.held)
    .map((c) => c.property);
}

describe('checkReferenceDesign (issue 31: the properties of the reference study)', () => {
  it('holds every property on a study that has them', () => {
    const { records, histories } = satisfying();
    const checks = checkReferenceDesign(records, (id) => histories.get(id));
    expect(checks.map((c) => c.property)).toEqual([
      'original-accuracy',
      'original-plateau',
      'pruned-above-chance',
      'random-same-architecture',
      'budgets',
      'schedules',
      'baselines',
      'seeds',
      'validation-selection',
    ]);
    expect(checks.filter((c) => !c.held)).toEqual([]);
    const plateau = checks.find((c) => c.property === 'original-plateau')!.detail;
    expect(plateau).toContain('seed 0: 0.20, 0.10 (validation top-1)');
    expect(plateau).not.toContain('note');
  });

  it('reads the plateau from the validation column: training accuracy that keeps rising does not fail it, validation that does fails it', () => {
    const { records, histories } = satisfying();
    // The fixture's training accuracy gains 7 and 4 points in the last two phases: read alone, it would fail.
    const trainingOnly = new Map([...histories].map(([id, csv]) => [id, csv.split('\n').map((row) => row.split(',').slice(0, 3).join(',')).join('\n')]));
    expect(failing(records, trainingOnly)).toContain('original-plateau');
    expect(failing(records, histories)).not.toContain('original-plateau');
    histories.set('original-2', ['epoch,loss,accuracy,validationLoss,validationTop1', '0,1,0.80,1,0.80', '1,1,0.80,1,0.84', '2,1,0.80,1,0.86', '3,1,0.80,1,0.87', '4,1,0.80,1,0.88', '5,1,0.80,1,0.89'].join('\n'));
    const check = checkReferenceDesign(records, (id) => histories.get(id)).find((c) => c.property === 'original-plateau')!;
    expect(check.held).toBe(false);
    expect(check.detail).toContain('original of seed 2 still gains 1.00 and 1.00 points of validation top-1');
  });

  it('falls back to training accuracy, with a note, for a history without the validation column', () => {
    const { records, histories } = satisfying();
    histories.set('original-1', ['epoch,loss,accuracy', '0,1,0.80', '1,1,0.85', '2,1,0.900', '3,1,0.902', '4,1,0.910', '5,1,0.911'].join('\n'));
    const check = checkReferenceDesign(records, (id) => histories.get(id)).find((c) => c.property === 'original-plateau')!;
    expect(check.held).toBe(true);
    expect(check.detail).toContain('seed 1: 0.20, 0.10 (training accuracy)');
    expect(check.detail).toContain('seed 0: 0.20, 0.10 (validation top-1)');
    expect(check.detail).toMatch(/note: the history of seed\(s\) 1 has no validationTop1 column .* training accuracy stands in/);
  });

  it('phase gains are within each LR phase, split at the milestones: the fitted line\'s rise over the phase', () => {
    expect(phaseGains([80, 85, 90, 90.2, 91, 91.1], [2, 4]).map((g) => +g.toFixed(2))).toEqual([5, 0.2, 0.1]);
    expect(phaseGains([1, 2, 3], [])).toEqual([2]);
    // Least squares through (0,1) (1,3) (2,2) (3,4): slope 0.8, so 2.4 over the phase (the endpoints alone say 3).
    expect(phaseGains([1, 3, 2, 4], []).map((g) => +g.toFixed(6))).toEqual([2.4]);
    // One high last epoch weighs less than in the endpoints' 0.5: every epoch of the phase counts.
    expect(+phaseGains([80, 85, 90.0, 90.1, 89.9, 90.0, 90.5], [2])[1].toFixed(6)).toBe(0.36);
    expect(phaseGains([90, 91, 92], [1, 2])).toEqual([0, 0, 0]);
  });

  const violations: Array<[DesignProperty, (records: RunRecord[], histories: Map<string, string>) => RunRecord[]]> = [
    ['original-accuracy', (rs) => rs.map((r) => (r.kind === 'original' && r.seed === 2 ? { ...r, metrics: { test: { loss: 0, top1: 0.899, examples: 10_000 } } } : r))],
    ['original-accuracy', (rs) => rs.map((r) => (r.kind === 'original' ? { ...r, metrics: { test: { loss: 0, top1: 0.95, examples: 3000 } } } : r))],
    ['original-plateau', (rs, h) => (h.set('original-1', ['epoch,loss,accuracy', '0,1,0.80', '1,1,0.85', '2,1,0.90', '3,1,0.905', '4,1,0.91', '5,1,0.92'].join('\n')), rs)],
    ['original-plateau', (rs, h) => (h.delete('original-3'), rs)],
    ['original-plateau', (rs) => rs.map((r) => (r.kind === 'original' ? { ...r, definition: { original: { epochs: 6, milestones: [] } } } : r))],
    ['pruned-above-chance', (rs) => rs.map((r) => (r.kind === 'prune' && r.pruner === 'l1/uniform' && r.seed === 0 ? { ...r, metrics: { test: { loss: 0, top1: 0.39, examples: 10_000 } } } : r))],
    ['random-same-architecture', (rs) => rs.map((r) => (r.kind === 'prune' && r.pruner === 'random/uniform' && r.seed === 3 ? { ...r, cost: { before: r.cost!.before, after: { params: 50, macs: 520 } } } : r))],
    ['random-same-architecture', (rs) => rs.filter((r) => !(r.kind === 'prune' && r.pruner === 'random/uniform'))],
    ['budgets', (rs) => rs.filter((r) => r.budget !== 15)],
    ['budgets', (rs) => rs.map((r) => (r.budget === 15 ? { ...r, budget: 8, scheduleDigest: `${r.schedule}@8` } : r))],
    ['schedules', (rs) => rs.filter((r) => !(r.schedule === 'clr' && r.seed === 1 && r.budget === 10))],
    ['schedules', (rs) => rs.map((r) => (r.schedule === 'slr' && r.budget === 10 ? { ...r, scheduleDigest: 'lrw@10' } : r))],
    ['baselines', (rs) => rs.filter((r) => !(r.kind === 'scratch' && r.pruner === 'random/uniform' && r.seed === 0))],
    ['seeds', (rs) => rs.filter((r) => r.seed !== 3)],
    ['seeds', (rs) => rs.map((r) => (r.kind === 'retrain' && r.seed === 0 && r.schedule === 'ft' && r.budget === 10 && r.pruner === 'l1/uniform' ? { ...r, status: 'diverged' as const } : r))],
    ['validation-selection', (rs) => rs.map((r) => (r.kind === 'retrain' ? { ...r, metrics: { test: r.metrics!.test } } : r))],
  ];

  it.each(violations.map(([property, change], i) => [`${property} #${i}`, property, change] as const))('fails %s when the study lacks it', (_name, property, change) => {
    const { records, histories } = satisfying();
    expect(failing(change(records, histories), histories)).toContain(property);
  });

  it('names the figures of a failed property', () => {
    const { records, histories } = satisfying();
    const changed = records.map((r) => (r.kind === 'prune' && r.pruner === 'l1/uniform' && r.seed === 0 ? { ...r, metrics: { test: { loss: 0, top1: 0.142, examples: 10_000 } } } : r));
    const check = checkReferenceDesign(changed, (id) => histories.get(id)).find((c) => c.property === 'pruned-above-chance')!;
    expect(check).toEqual({ property: 'pruned-above-chance', held: false, detail: 'l1/uniform seed 0: 14.20 % pruned, not retrained < 40.00 %' });
  });
});
