import * as tf from '@tensorflow/tfjs-core';

/** tfjs's optimizers: each defines its own applyGradients, so each is counted on its own prototype. */
const OPTIMIZERS = [
  tf.SGDOptimizer,
  tf.MomentumOptimizer,
  tf.AdamOptimizer,
  tf.AdamaxOptimizer,
  tf.AdagradOptimizer,
  tf.AdadeltaOptimizer,
  tf.RMSPropOptimizer,
];

const counters: Array<{ steps: number }> = [];
let installed = false;

/**
 * Counts the optimizer steps taken while `work` runs: calls of any tfjs optimizer's
 * applyGradients (what `minimize` and `model.fit` end in). Updates a plugin writes into its
 * variables by hand are not steps of a tfjs optimizer and are not counted here; their compute
 * still is (engine-meter.ts).
 */
export async function meterOptimizerSteps<T>(work: () => Promise<T>): Promise<{ result: T; steps: number }> {
  if (!installed) {
    installed = true;
    for (const cls of OPTIMIZERS) {
      const proto = cls.prototype as unknown as { applyGradients: (this: unknown, ...args: unknown[]) => void };
      const original = proto.applyGradients;
      proto.applyGradients = function applyGradients(this: unknown, ...args: unknown[]) {
        for (const counter of counters) counter.steps += 1;
        return original.apply(this, args);
      };
    }
  }
  const counter = { steps: 0 };
  counters.push(counter);
  try {
    return { result: await work(), steps: counter.steps };
  } finally {
    counters.splice(counters.indexOf(counter), 1);
  }
}
