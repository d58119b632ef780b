import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import { CALIBRATION_OPTIONS, OPTIONS, type CalibrationOptions, type Criterion, type CriterionContext, type PruningGroup } from '@prunebench/core';
import { addFeatureMapRanks, featureMapTaps } from './feature-maps';

export interface HRankOptions extends CalibrationOptions {
  /** Relative rank tolerance (default max(h, w) × float32 ε, numpy's rule). */
  tolerance?: number;
}

/**
 * HRank (Lin et al., CVPR 2020, "HRank: Filter Pruning using High-Rank Feature Map"): a filter's
 * importance is the average matrix rank of the feature maps it produces, over calibration
 * examples from the train split. The plan (any plugin's) says how many filters each layer keeps.
 */
@injectable()
export class HRankCriterion implements Criterion {
  static readonly id = 'hrank';
  static readonly description = 'keep the filters whose feature maps have the highest average rank (HRank, Lin et al. 2020)';
  static readonly optionsSchema = {
    type: 'object',
    properties: {
      ...CALIBRATION_OPTIONS,
      tolerance: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'relative rank tolerance (default max(h, w) × float32 epsilon)' },
    },
    additionalProperties: false,
  };
  readonly requirements = { needsData: true, needsGradients: false };
  private readonly sums = new Map<string, Float64Array>();
  private examples = 0;

  constructor(@inject(OPTIONS) private readonly options: HRankOptions) {}

  async prepare(groups: readonly PruningGroup[], { model, helpers }: CriterionContext): Promise<void> {
    const layers = [...new Set(groups.flatMap((g) => featureMapTaps(model, g).map((t) => t.layer)))];
    this.sums.clear();
    this.examples = 0;
    for await (const batch of helpers.calibrationBatches(this.options)) {
      const maps = helpers.activations(model, batch.x, layers);
      for (const [layer, map] of maps) {
        const sum = this.sums.get(layer) ?? new Float64Array(map.shape[map.rank - 1] ?? 1);
        addFeatureMapRanks(sum, await map.data(), map.shape, this.options.tolerance);
        this.sums.set(layer, sum);
      }
      tf.dispose([...maps.values()]);
      this.examples += batch.x.shape[0];
    }
  }

  score(group: PruningGroup, { model }: CriterionContext): Float32Array {
    const score = new Float32Array(group.channels);
    for (const { layer, offset } of featureMapTaps(model, group)) {
      for (let k = 0; k < group.channels; k++) score[k] += this.sums.get(layer)![offset + k] / this.examples;
    }
    return score;
  }
}
