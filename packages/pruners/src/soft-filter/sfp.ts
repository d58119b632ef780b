import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { cloneModel, sgdSettingsSchema, trainWithSgd, type SgdSettings, topScoring, COMPONENTS, OPTIONS, UsageError, buildChannelGraph, type ComponentEntryRef, type ComponentFactory, type JsonSchema, type Plan, type PruneContext, type PruneResult, type Pruner, type PrunerRequirements, type PruningGroup } from '@prunebench/core';
import { l2FilterScores } from '../criteria/kernel-norms';
import { producerKernel, scoreProducerKernels } from '../criteria/group-kernels';
import type { StructuredPruner } from '../structured/structured-pruner';
import { componentEntrySchema } from '../util/entry-schema';
import { reinitializeWeights } from './reinitialize';

export interface SoftFilterOptions extends SgdSettings {
  plan?: ComponentEntryRef;
  /** The LR is multiplied by `gamma` at floor(f × epochs) for each fraction f. */
  milestoneFractions: number[];
  gamma: number;
  /** Epochs at the start trained at lr / 10 (the reference's `--schedule 1 … --gammas 10 …`). */
  warmupEpochs: number;
}

/** He et al.'s CIFAR settings (the reference code's scripts/cifar10_resnet.sh and its SGD). */
const PAPER: Omit<SoftFilterOptions, 'plan'> = {
  epochs: 200,
  batchSize: 128,
  lr: 0.1,
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
  milestoneFractions: [0.3, 0.6, 0.8],
  gamma: 0.2,
  warmupEpochs: 1,
};

/** The variant from the trained original: a fine-tuning LR, no warm-up (prunebench's choice; the paper trains from scratch). */
const PRETRAINED: Omit<SoftFilterOptions, 'plan'> = { ...PAPER, epochs: 20, lr: 0.01, milestoneFractions: [0.5, 0.75], warmupEpochs: 0 };

function sfpSchema(defaults: Omit<SoftFilterOptions, 'plan'>): JsonSchema {
  return {
    type: 'object',
    properties: {
      plan: componentEntrySchema('plan', '{ "use": "uniform", "ratio": 0.3 }'),
      ...sgdSettingsSchema(defaults),
      milestoneFractions: { type: 'array', items: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, default: defaults.milestoneFractions, description: 'LR × gamma at these fractions of the epochs' },
      gamma: { type: 'number', exclusiveMinimum: 0, default: defaults.gamma },
      warmupEpochs: { type: 'integer', minimum: 0, default: defaults.warmupEpochs, description: 'first epochs at lr / 10' },
    },
    additionalProperties: false,
  };
}

/**
 * Soft Filter Pruning (He et al., IJCAI 2018; reference code he-y/soft-filter-pruning): train,
 * and at the end of every epoch set to zero, in every group the plan prunes, the filters of
 * lowest l2 norm — zeroed filters keep training and may grow back — then remove the filters
 * lowest at the end (l2 × the plan). `sfp` is the paper's: from scratch (the weights re-drawn
 * from the run's seed), 200 epochs of SGD with Nesterov momentum 0.9, weight decay 5e-4, batch
 * 128, LR 0.01 for the first epoch then 0.1, × 0.2 at 30 / 60 / 80 % of the epochs (60, 120, 160
 * of 200). Its training is the pruner's: every step is charged to the ledger and measured.
 */
@injectable()
export class SoftFilterPruner implements Pruner {
  static readonly id: string = 'sfp';
  static readonly description: string = 'Soft Filter Pruning as He et al. 2018: from scratch, zero lowest-l2 filters after every epoch, then remove them';
  static readonly optionsSchema: JsonSchema = sfpSchema(PAPER);
  /** Train from re-drawn weights (the paper) or from the given original. */
  protected readonly fromScratch: boolean = true;
  readonly requirements: PrunerRequirements = { structured: true, needsData: true, needsGradients: true, trainsItself: true };
  private readonly plan?: Plan;
  private readonly hardPrune: StructuredPruner;

  constructor(@inject(OPTIONS) private readonly options: SoftFilterOptions, @inject(COMPONENTS) components: ComponentFactory) {
    if (options.plan !== undefined) this.plan = components.create<Plan>('plan', options.plan, 'plan');
    this.hardPrune = components.create<StructuredPruner>('pruner', { use: 'structured', criterion: 'l2', ...(options.plan ? { plan: options.plan } : {}) });
  }

  /** The LR of an epoch: lr/10 during the warm-up, then lr × gamma^(milestones passed). */
  lrAt(epoch: number): number {
    const { lr, gamma, milestoneFractions, warmupEpochs, epochs } = this.options;
    if (epoch < warmupEpochs) return lr / 10;
    return milestoneFractions.reduce((value, f) => (epoch >= Math.floor(f * epochs) ? value * gamma : value), lr);
  }

  async prune(model: LayersModel, context: PruneContext): Promise<PruneResult> {
    const id = (this.constructor as typeof SoftFilterPruner).id;
    const plan = context.plan ?? this.plan;
    if (!plan) throw new UsageError(`pruner "${id}" needs a plan, e.g. { "use": "${id}", "plan": { "use": "uniform", "ratio": 0.3 } }`);
    if (!context.dataset) throw new UsageError(`pruner "${id}" trains the network: it needs the train split (context.dataset)`);
    const soft = await cloneModel(model);
    try {
      if (this.fromScratch) reinitializeWeights(soft, context.helpers.rng('sfp-init'));
      const graph = buildChannelGraph(soft);
      const l2 = (group: PruningGroup) => scoreProducerKernels(soft, group, (kernel) => l2FilterScores(kernel.read()));
      const prunable = graph.groups.filter((g) => g.prunable);
      const scores = plan.needsScores ? new Map(await Promise.all(prunable.map(async (g) => [g.id, await l2(g)] as const))) : undefined;
      const counts = plan.allocate({ graph, scores });
      const pruned = [...counts].filter(([group, keep]) => keep < graph.groups[group].channels).map(([group, keep]) => ({ group: graph.groups[group], keep }));
      await trainWithSgd(soft, context, this.options, {
        lrAt: (epoch) => this.lrAt(epoch),
        afterEpoch: async () => {
          for (const { group, keep } of pruned) zeroFilters(soft, group, topScoring(await l2(group), keep));
        },
      }, `pruner "${id}"`);
      return await this.hardPrune.prune(soft, { ...context, plan });
    } finally {
      soft.dispose();
    }
  }
}

/**
 * `sfp-pretrained`: SFP from the trained original instead of from scratch (the paper's
 * "pre-trained" setting), by default 20 epochs at LR 0.01 × 0.2 at 50 / 75 %, otherwise the paper's optimizer.
 */
@injectable()
export class SoftFilterPretrainedPruner extends SoftFilterPruner {
  static override readonly id = 'sfp-pretrained';
  static override readonly description = 'Soft Filter Pruning from the trained original (He et al. 2018, pre-trained variant)';
  static override readonly optionsSchema: JsonSchema = sfpSchema(PRETRAINED);
  protected override readonly fromScratch = false;
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
