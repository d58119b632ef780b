import assert from 'node:assert/strict';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Plan, PlanClass } from '../interfaces/pruner';
import { buildChannelGraph } from '../graph/build-graph';
import { prunedGroups } from '../prune/from-scores';
import { Rng } from '../util/rng';
import { componentChecks, type ConformanceCheck } from './component-checks';
import { conformanceEnvironment, expectNoLeakedTensors, type ConformanceSubject } from './environment';
import { registerSuite } from './suite';
import { conformanceConvNet } from './tiny-fixtures';

export interface PlanConformanceOptions extends ConformanceSubject<PlanClass> {
  /** The network to allocate on (default the kit's conv net: a residual add, flatten → dense). */
  model?: () => LayersModel;
}

/** The checks of `describePlanConformance`, to run with any test runner. */
export function planConformanceChecks(options: PlanConformanceOptions): ConformanceCheck[] {
  const makeModel = options.model ?? (() => conformanceConvNet());
  const allocate = (seed: number) => {
    const model = makeModel();
    try {
      const graph = buildChannelGraph(model);
      const plan = conformanceEnvironment('plan', options).create<Plan>();
      const rng = new Rng(seed, 'plan-scores');
      const scores = plan.needsScores ? new Map(graph.groups.filter((g) => g.prunable).map((g) => [g.id, Float32Array.from({ length: g.channels }, () => rng.next())])) : undefined;
      return { graph, counts: plan.allocate({ graph, scores, model }) };
    } finally {
      model.dispose();
    }
  };
  return [
    ...componentChecks('plan', options),
    {
      name: 'keeps 1 … C channels of prunable groups only, and prunes something',
      run: async () => {
        const { graph, counts } = allocate(0);
        assert.ok(counts instanceof Map, 'allocate must return a Map of group id → channels kept');
        for (const [id, keep] of counts) {
          const group = graph.groups[id];
          assert.ok(group, `the plan named group ${id}, but the net has groups 0 … ${graph.groups.length - 1}`);
          assert.ok(Number.isInteger(keep) && keep >= 1 && keep <= group.channels, `group ${id}: keeps ${keep} of ${group.channels} channels (must be an integer in 1 … ${group.channels})`);
          assert.ok(group.prunable || keep === group.channels, `group ${id} (${group.producers.join(', ')}) cannot be pruned (${group.reasons.join('; ')}), but the plan keeps ${keep} of ${group.channels}`);
        }
        assert.ok(prunedGroups(graph, counts).length > 0, "the plan prunes nothing on the kit's net with its sample options");
      },
    },
    {
      name: 'is deterministic and leaks no tensors',
      run: async () => {
        const first = allocate(1);
        const second = await expectNoLeakedTensors('allocating', () => allocate(1));
        assert.deepEqual([...second.counts], [...first.counts], 'the same net and scores must give the same counts');
      },
    },
  ];
}

/**
 * The jest suite every plan must pass: a valid component class, counts of 1 … C channels for
 * prunable groups only (something pruned), deterministic, no leaked tensors. Plans that rank
 * across groups (`needsScores`) get seeded random scores.
 *
 * ```ts
 * describePlanConformance({ componentClass: MyPlan, options: { ratio: 0.5 }, invalidOptions: [{ ratio: 1 }] });
 * ```
 */
export function describePlanConformance(options: PlanConformanceOptions): void {
  registerSuite(`plan "${options.componentClass.id}" conformance`, planConformanceChecks(options));
}
