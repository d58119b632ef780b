import { inject, injectable } from 'tsyringe';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { OPTIONS, REGISTRY, type ChannelGraph, type PruningGroup, type Registry } from '@prunebench/core';
import { fpgmFilterScores } from './kernel-norms';
import { scoreByProducerKernels } from './group-kernels';
import { StructuredPruner, structuredOptionsSchema, type StructuredPrunerOptions } from './structured-pruner';

/**
 * FPGM (He et al. 2019): prune the filters nearest the geometric median of their layer (the
 * smallest summed distance to the other filters), which the others can best replace.
 */
@injectable()
export class FpgmPruner extends StructuredPruner {
  static readonly id = 'fpgm';
  static readonly description = 'structured: prune filters nearest the geometric median (FPGM, He et al. 2019)';
  static readonly optionsSchema = structuredOptionsSchema();
  readonly requirements = { structured: true, needsData: false, needsGradients: false, trainsItself: false };

  constructor(@inject(OPTIONS) options: StructuredPrunerOptions, @inject(REGISTRY, { isOptional: true }) registry?: Registry) {
    super(options, registry);
  }

  protected async scoreGroups(model: LayersModel, _graph: ChannelGraph, groups: PruningGroup[]) {
    return scoreByProducerKernels(model, groups, (kernel) => fpgmFilterScores(kernel.read()));
  }
}
