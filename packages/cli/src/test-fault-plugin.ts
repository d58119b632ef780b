// A plugin for the fault tests: criteria that misbehave the ways a third party's can. Loaded by
// path from test configs (in-process through ts-jest, in child processes and worker threads from
// dist). Each scores like l1 unless misbehaving is its point, so a study around it can finish.
import * as tf from '@tensorflow/tfjs-core';
import { injectable } from 'tsyringe';
import { definePlugin, PLUGIN_API_VERSION, type Criterion, type CriterionContext, type PruningGroup } from '@prunebench/core';

// A machine without the plugin, for the queue tests: a worker started with this set cannot load it.
if (process.env.PRUNEBENCH_TEST_LACKS_FAULT_PLUGIN) throw new Error('this machine lacks prunebench-plugin-faults (PRUNEBENCH_TEST_LACKS_FAULT_PLUGIN)');

const requirements = { needsData: false, needsGradients: false };
const uniform = (group: PruningGroup) => Float32Array.from({ length: group.channels }, (_, i) => i + 1);

/** Never returns: its promise never settles (and holds nothing that keeps the event loop alive). */
@injectable()
class HangCriterion implements Criterion {
  static readonly id = 'fault-hang';
  static readonly description = 'never returns';
  readonly requirements = requirements;
  score(): Promise<Float32Array> {
    return new Promise(() => {});
  }
}

/** Switches tfjs to its cpu backend behind the harness's back. */
@injectable()
class BackendSwitchCriterion implements Criterion {
  static readonly id = 'fault-backend';
  static readonly description = 'changes the tfjs backend';
  readonly requirements = requirements;
  async score(group: PruningGroup): Promise<Float32Array> {
    await tf.setBackend('cpu');
    return uniform(group);
  }
}

/** Scales the weights of the model it is given, in place. */
@injectable()
class ScaleInPlaceCriterion implements Criterion {
  static readonly id = 'fault-scale';
  static readonly description = 'scales the model it scores in place';
  readonly requirements = requirements;
  score(group: PruningGroup, { model }: CriterionContext): Float32Array {
    const [first] = model.getWeights();
    tf.tidy(() => {
      model.setWeights(model.getWeights().map((w, i) => (i === 0 ? tf.mul(first, 2) : w)));
    });
    return uniform(group);
  }
}

/** Leaves 100 tensors behind on every call. */
@injectable()
class LeakCriterion implements Criterion {
  static readonly id = 'fault-leak';
  static readonly description = 'leaves tensors undisposed';
  readonly requirements = requirements;
  score(group: PruningGroup): Float32Array {
    for (let i = 0; i < 100; i++) tf.ones([4]);
    return uniform(group);
  }
}

/** Throws. */
@injectable()
class ThrowCriterion implements Criterion {
  static readonly id = 'fault-throw';
  static readonly description = 'throws';
  readonly requirements = requirements;
  score(): Float32Array {
    throw new Error('the fault plugin throws here');
  }
}

export default definePlugin({
  name: 'prunebench-plugin-faults',
  version: '0.0.1',
  apiVersion: PLUGIN_API_VERSION,
  criteria: [HangCriterion, BackendSwitchCriterion, ScaleInPlaceCriterion, LeakCriterion, ThrowCriterion],
});
