import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  COMPONENTS,
  OPTIONS,
  UsageError,
  buildChannelGraph,
  type ComponentEntryRef,
  type ComponentFactory,
  type JsonSchema,
  type Plan,
  type PruneContext,
  type PruneResult,
  type Pruner,
  type PrunerRequirements,
  type PruningGroup,
} from '@prunebench/core';
import { l2FilterScores } from '../criteria/kernel-norms';
import { producerKernel, scoreProducerKernels } from '../criteria/group-kernels';
import type { StructuredPruner } from '../structured/structured-pruner';
import { cloneModel } from '../util/clone-model';
import { componentEntrySchema } from '../util/entry-schema';
import { topScoring } from '../util/ranking';

export interface SoftFilterOptions {
  plan?: ComponentEntryRef;
  /** Epochs of soft pruning: train one epoch, then zero each group's lowest-l2 filters. */
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
}

/**
 * Soft Filter Pruning (He et al., IJCAI 2018): for `epochs` epochs, train the network one epoch
 * on the train split and then set the filters of lowest l2 norm to zero in every group the plan
 * prunes — zeroed filters keep training and may grow back — and finally remove the filters that
 * are lowest at the end (l2 × the plan). It trains itself: every step is charged to the ledger
 * (an extra optimizer step, forward and backward pass per example), so the harness shows it.
 */
@injectable()
export class SoftFilterPruner implements Pruner {
  static readonly id = 'sfp';
  static readonly description = 'structured: Soft Filter Pruning, zero lowest-l2 filters after each training epoch, then remove them (He et al. 2018)';
  static readonly optionsSchema: JsonSchema = {
    type: 'object',
    properties: {
      plan: componentEntrySchema('plan', '{ "use": "uniform", "ratio": 0.3 }'),
      epochs: { type: 'integer', minimum: 1, default: 1, description: 'epochs of soft pruning (train, then zero)' },
      batchSize: { type: 'integer', minimum: 1, default: 128, description: 'training batch size' },
      lr: { type: 'number', exclusiveMinimum: 0, default: 0.01, description: 'SGD learning rate during soft pruning' },
      momentum: { type: 'number', minimum: 0, maximum: 1, exclusiveMaximum: 1, default: 0.9 },
    },
    additionalProperties: false,
  };
  readonly requirements: PrunerRequirements = { structured: true, needsData: true, needsGradients: true, trainsItself: true };
  private readonly plan?: Plan;
  private readonly hardPrune: StructuredPruner;

  constructor(@inject(OPTIONS) private readonly options: SoftFilterOptions, @inject(COMPONENTS) components: ComponentFactory) {
    if (options.plan !== undefined) this.plan = components.create<Plan>('plan', options.plan, 'plan');
    this.hardPrune = components.create<StructuredPruner>('pruner', { use: 'structured', criterion: 'l2', ...(options.plan ? { plan: options.plan } : {}) });
  }

  async prune(model: LayersModel, context: PruneContext): Promise<PruneResult> {
    const plan = context.plan ?? this.plan;
    if (!plan) throw new UsageError('pruner "sfp" needs a plan, e.g. { "use": "sfp", "plan": { "use": "uniform", "ratio": 0.3 } }');
    if (!context.dataset) throw new UsageError('pruner "sfp" trains the network: it needs the train split (context.dataset)');
    const soft = await cloneModel(model);
    try {
      const graph = buildChannelGraph(soft);
      const l2 = (group: PruningGroup) => scoreProducerKernels(soft, group, (kernel) => l2FilterScores(kernel.read()));
      const prunable = graph.groups.filter((g) => g.prunable);
      const counts = plan.allocate({ graph, model: soft, scores: plan.needsScores ? new Map(prunable.map((g) => [g.id, l2(g)])) : undefined });
      const pruned = [...counts].filter(([id, keep]) => keep < graph.groups[id].channels).map(([id, keep]) => ({ group: graph.groups[id], keep }));
      for (let epoch = 0; epoch < this.options.epochs; epoch++) {
        await this.trainEpoch(soft, context, epoch);
        for (const { group, keep } of pruned) zeroFilters(soft, group, topScoring(l2(group), keep));
      }
      return await this.hardPrune.prune(soft, { ...context, plan });
    } finally {
      soft.dispose();
    }
  }

  /** One epoch of SGD with momentum (PyTorch's: v ← m·v + g, w ← w − lr·v) on softmax cross-entropy (the models output logits). */
  private async trainEpoch(model: LayersModel, context: PruneContext, epoch: number): Promise<void> {
    const { lr, momentum, batchSize } = this.options;
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const velocity: tf.Tensor[] = variables.map((v) => tf.zerosLike(v as tf.Tensor));
    try {
      for await (const { x, y } of context.dataset!.batches('train', { batchSize, seed: context.seed, epoch, shuffle: true, augment: true, dropRemainder: true })) {
        try {
          tf.tidy(() => {
            const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, variables);
            variables.forEach((variable, i) => {
              const v = tf.add(tf.mul(velocity[i], momentum), grads[variable.name]);
              velocity[i].dispose();
              velocity[i] = tf.keep(v);
              variable.assign(tf.sub(variable, tf.mul(v, lr)));
            });
          });
        } finally {
          tf.dispose([x, y]);
        }
        context.ledger.charge('extraOptimizerSteps', 1);
        context.ledger.charge('extraForwardSamples', x.shape[0]);
        context.ledger.charge('extraBackwardSamples', x.shape[0]);
      }
    } finally {
      tf.dispose(velocity);
    }
  }
}

/** Sets every channel of `group` not in `kept` to zero in its producers' kernels and biases (the filters SFP zeroes). */
function zeroFilters(model: LayersModel, group: PruningGroup, kept: number[]): void {
  const keep = new Set(kept);
  for (const producer of group.producers) {
    const layer = model.getLayer(producer);
    const kernel = producerKernel(model, producer);
    for (const variable of [kernel, ...layer.weights.filter((w) => /bias$/.test(w.originalName))]) {
      tf.tidy(() => {
        const mask = tf.tensor1d(Array.from({ length: group.channels }, (_, k) => (keep.has(k) ? 1 : 0)));
        variable.write(tf.mul(variable.read(), mask));
      });
    }
  }
}
