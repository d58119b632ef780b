import type { RunRecord } from '../study/record';

/**
 * Run records of a reference-shaped study, for the tests of reference-design.ts and
 * reference-readme.ts (not shipped: only tests import it). `top1(pruner, schedule, budget,
 * seed)` sets each retraining run's test top-1 (fraction); `digest` its LR curve's digest.
 */
export interface FixtureOptions {
  seeds?: number[];
  budgets?: number[];
  top1?: (pruner: string, schedule: string, budget: number, seed: number) => number;
  digest?: (schedule: string, budget: number) => string;
}

export const FIXTURE_PRUNERS = ['l1/uniform', 'random/uniform'];
export const FIXTURE_SCHEDULES = ['ft', 'lrw', 'slr', 'clr'];

export function referenceFixture(options: FixtureOptions = {}): { records: RunRecord[]; histories: Map<string, string> } {
  const seeds = options.seeds ?? [0, 1, 2, 3];
  const budgets = options.budgets ?? [10, 15];
  const top1 = options.top1 ?? (() => 0.89);
  const digest = options.digest ?? ((schedule: string, budget: number) => `${schedule}@${budget}`);
  const records: RunRecord[] = [];
  const histories = new Map<string, string>();
  const base = { configFile: null, versions: { prunebench: '0', tfjs: '0', backend: 'wasm' }, startedAt: '', finishedAt: '', status: 'finished' as const };
  const datasetSizes = { train: 5000, validation: 2000, test: 10_000 };
  const metrics = (value: number) => ({ test: { loss: 0, top1: value, examples: 10_000 }, validation: { loss: 0, top1: value, examples: 2000 } });
  const cost = { before: { params: 100, macs: 1000 }, after: { params: 50, macs: 490 } };
  const definition = { dataset: { id: 'fashion-mnist' }, model: { id: 'vgg-small' }, original: { epochs: 6, milestones: [2, 4] } };
  for (const seed of seeds) {
    const id = `original-${seed}`;
    records.push({ ...base, id, kind: 'original', seed, definition, metrics: metrics(0.91 + seed / 1000), cost: { before: cost.before, after: cost.before }, datasetSizes });
    // Training accuracy still rising (memorising), validation top-1 flat within the last two LR phases.
    histories.set(id, ['epoch,loss,accuracy,validationLoss,validationTop1', '0,1,0.80,1,0.80', '1,1,0.85,1,0.84', '2,1,0.90,1,0.880', '3,1,0.95,1,0.882', '4,1,0.97,1,0.890', '5,1,0.99,1,0.891'].join('\n'));
    for (const pruner of FIXTURE_PRUNERS) {
      const random = pruner.startsWith('random');
      records.push({ ...base, id: `prune-${pruner}-${seed}`, kind: 'prune', seed, pruner, definition, metrics: metrics(random ? 0.3 : 0.6 + seed / 100), cost });
      records.push({ ...base, id: `scratch-${pruner}-${seed}`, kind: 'scratch', seed, pruner, schedule: 'scratch-e', definition, metrics: metrics(0.88 - seed / 200), cost });
      for (const budget of budgets) {
        for (const schedule of FIXTURE_SCHEDULES) {
          const runId = `retrain-${pruner}-${schedule}-${budget}-${seed}`;
          records.push({ ...base, id: runId, kind: 'retrain', seed, pruner, schedule, budget, scheduleDigest: digest(schedule, budget), definition, metrics: metrics(top1(pruner, schedule, budget, seed)), cost });
        }
      }
    }
  }
  // Run i took 3 minutes from 14:00 UTC, two at a time: start and end times the README reads.
  const start = Date.parse('2026-12-06T14:00:00Z');
  records.forEach((r, i) => {
    r.startedAt = new Date(start + Math.floor(i / 2) * 180_000).toISOString();
    r.finishedAt = new Date(start + (Math.floor(i / 2) + 1) * 180_000).toISOString();
  });
  return { records, histories };
}
