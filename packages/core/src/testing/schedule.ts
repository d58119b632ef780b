import assert from 'node:assert/strict';
import type { Budget, OriginalRecipe, Schedule, ScheduleClass } from '../interfaces/schedule';
import { componentChecks, type ConformanceCheck } from './component-checks';
import { conformanceEnvironment, expectNoLeakedTensors, type ConformanceSubject } from './environment';
import { registerSuite } from './suite';

export interface ScheduleConformanceOptions extends ConformanceSubject<ScheduleClass> {
  /** Original schedules to compute from (default: a short CIFAR-like step schedule, and one with warm-up). */
  originals?: OriginalRecipe[];
  /** Budgets to check (default: 1×1, 1×5, 3×4, 7×3 epochs × steps). */
  budgets?: Budget[];
}

const DEFAULT_ORIGINALS: OriginalRecipe[] = [
  { epochs: 8, lr: 0.1, milestones: [4, 6], gamma: 0.1, momentum: 0.9, batchSize: 64 },
  { epochs: 5, lr: 0.05, milestones: [3], gamma: 0.2, warmupEpochs: 1, momentum: 0.9 },
];
const DEFAULT_BUDGETS: Budget[] = [
  { epochs: 1, stepsPerEpoch: 1 },
  { epochs: 1, stepsPerEpoch: 5 },
  { epochs: 3, stepsPerEpoch: 4 },
  { epochs: 7, stepsPerEpoch: 3 },
];

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** The checks of `describeScheduleConformance`, to run with any test runner. */
export function scheduleConformanceChecks(options: ScheduleConformanceOptions): ConformanceCheck[] {
  const originals = options.originals ?? DEFAULT_ORIGINALS;
  const budgets = options.budgets ?? DEFAULT_BUDGETS;
  const create = () => conformanceEnvironment('schedule', options).create<Schedule>();
  const cases = originals.flatMap((original) => budgets.map((budget) => ({ original, budget })));
  const label = ({ original, budget }: (typeof cases)[number]) => `budget ${budget.epochs}×${budget.stepsPerEpoch} from original ${JSON.stringify(original)}`;
  return [
    ...componentChecks('schedule', options),
    {
      name: 'takes exactly E×S steps, each with a finite LR ≥ 0 (not all 0) and a momentum in [0, 1)',
      run: async () => {
        const schedule = create();
        for (const c of cases) {
          const steps = schedule.compute(structuredClone(c.original), { ...c.budget });
          assert.ok(Array.isArray(steps), `${label(c)}: compute must return an array`);
          assert.equal(steps.length, c.budget.epochs * c.budget.stepsPerEpoch, `${label(c)}: ${steps.length} steps, expected E×S = ${c.budget.epochs * c.budget.stepsPerEpoch}`);
          steps.forEach((step, i) => {
            // An LR of exactly 0 is a legitimate step (a cosine annealed to 0 ends there); a negative or NaN one is not.
            assert.ok(Number.isFinite(step.lr) && step.lr >= 0, `${label(c)}: step ${i} has LR ${step.lr} (must be finite and ≥ 0)`);
            assert.ok(Number.isFinite(step.momentum) && step.momentum >= 0 && step.momentum < 1, `${label(c)}: step ${i} has momentum ${step.momentum} (must be in [0, 1))`);
          });
          assert.ok(steps.length === 0 || steps.some((step) => step.lr > 0), `${label(c)}: every step has LR 0, so retraining would not change the model`);
        }
      },
    },
    {
      name: 'is pure: the same input gives the same steps, and the input is not modified',
      run: async () => {
        for (const c of cases) {
          // Frozen inputs: a schedule that writes to them throws (compiled code is strict).
          const first = create().compute(deepFreeze(structuredClone(c.original)), deepFreeze({ ...c.budget }));
          const again = create().compute(deepFreeze(structuredClone(c.original)), deepFreeze({ ...c.budget }));
          assert.deepEqual(again, first, `${label(c)}: two computations differ`);
          const instance = create();
          instance.compute(structuredClone(c.original), { ...c.budget });
          assert.deepEqual(instance.compute(structuredClone(c.original), { ...c.budget }), first, `${label(c)}: a second call on the same instance differs (state kept between calls?)`);
        }
      },
    },
    {
      name: 'leaks no tensors',
      run: async () => {
        await expectNoLeakedTensors('compute', () => {
          for (const c of cases) create().compute(structuredClone(c.original), { ...c.budget });
        });
      },
    },
  ];
}

/**
 * The jest suite every schedule must pass: a valid component class with validated options;
 * exactly E×S steps for every budget, each with a finite, positive LR and a valid momentum;
 * pure (same input → same output, input untouched); no leaked tensors.
 */
export function describeScheduleConformance(options: ScheduleConformanceOptions): void {
  registerSuite(`schedule "${options.componentClass.id}" conformance`, scheduleConformanceChecks(options));
}
