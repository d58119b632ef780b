import { inject, injectable } from 'tsyringe';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { OPTIONS, REGISTRY, type ChannelGraph, type PruningGroup, type Registry } from '@prunebench/core';
import { l1FilterScores } from './kernel-norms';
import { scoreByProducerKernels } from './group-kernels';
import { StructuredPruner, structuredOptionsSchema, type StructuredPrunerOptions } from './structured-pruner';

/** PFEC (Li et al. 2016): keep the filters of largest Σ|w|. */
@injectable()
export class L1Pruner extends StructuredPruner {
  static readonly id = 'l1';
  static readonly description = 'structured: keep the filters of largest l1 norm (PFEC, Li et al. 2016)';
  static readonly optionsSchema = structuredOptionsSchema();
  readonly requirements = { structured: true, needsData: false, needsGradients: false, trainsItself: false };

  constructor(@inject(OPTIONS) options: StructuredPrunerOptions, @inject(REGISTRY, { isOptional: true }) registry?: Registry) {
    super(options, registry);
  }

  protected async scoreGroups(model: LayersModel, _graph: ChannelGraph, groups: PruningGroup[]) {
    return scoreByProducerKernels(model, groups, (kernel) => l1FilterScores(kernel.read()));
  }
}
