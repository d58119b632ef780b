import type { JsonSchema } from '../interfaces/component';
import { ORIGINAL_PRESET_NAMES } from './presets';

/** JSON Schema of an original-schedule description (the config's `original` key). */
export const originalScheduleSchema: JsonSchema = {
  description: 'How the original (unpruned) network is trained; the retraining schedules derive from it.',
  type: 'object',
  additionalProperties: false,
  properties: {
    preset: { enum: ORIGINAL_PRESET_NAMES, description: 'Start from a reference recipe; other keys override it.' },
    epochs: { type: 'integer', minimum: 1 },
    lr: { type: 'number', exclusiveMinimum: 0 },
    milestones: { type: 'array', items: { type: 'integer', minimum: 1 } },
    gamma: { type: 'number', exclusiveMinimum: 0 },
    warmupEpochs: { type: 'number', minimum: 0 },
    momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
    weightDecay: { type: 'number', minimum: 0 },
    batchSize: { type: 'integer', minimum: 1 },
    nesterov: { type: 'boolean' },
    slrMilestoneFractions: {
      type: 'array',
      items: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      description: "SLR's milestones as fractions of the retraining epochs (imagenet preset: [0.297, 0.594]); dropped when epochs or milestones override a preset's.",
    },
    dropLast: { type: 'boolean', description: 'Drop the last incomplete batch of an epoch (default true); false keeps it, as PyTorch does.' },
    scratchBMaxFactor: { type: 'number', minimum: 1, description: 'The most the scratch-b baseline stretches this recipe (imagenet preset: 2, i.e. 180 epochs, as Liu et al.).' },
    checkpoint: { type: 'string', description: 'Use this trained model (a folder with model.json) instead of training one.' },
    divergence: {
      type: 'number',
      exclusiveMinimum: 1,
      description: 'A training or retraining run diverges (and stops) when its loss exceeds this × max(step-0 loss, ln(classes)); NaN/Inf always diverges. Default 100.',
    },
  },
};
