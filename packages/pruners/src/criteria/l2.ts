import { inject, injectable } from 'tsyringe';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { OPTIONS, REGISTRY, type ChannelGraph, type PruningGroup, type Registry } from '@prunebench/core';
import { l2FilterScores } from './kernel-norms';
import { scoreByProducerKernels } from './group-kernels';
import { StructuredPruner, structuredOptionsSchema, type StructuredPrunerOptions } from './structured-pruner';

/** Keep the filters of largest Euclidean norm. */
@injectable()
export class L2Pruner extends StructuredPruner {
  static readonly id = 'l2';
  static readonly description = 'structured: keep the filters of largest l2 norm';
  static readonly optionsSchema = structuredOptionsSchema();
  readonly requirements = { structured: true, needsData: false, needsGradients: false, trainsItself: false };

  constructor(@inject(OPTIONS) options: StructuredPrunerOptions, @inject(REGISTRY, { isOptional: true }) registry?: Registry) {
    super(options, registry);
  }

  protected async scoreGroups(model: LayersModel, _graph: ChannelGraph, groups: PruningGroup[]) {
    return scoreByProducerKernels(model, groups, (kernel) => l2FilterScores(kernel.read()));
  }
}
