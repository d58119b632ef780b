import type { JsonSchema } from '../interfaces/component';
import { originalScheduleSchema } from '../schedule/original-schema';

/**
 * The JSON Schema of a prunebench config's structure. The CLI's `config.schema.json` (for
 * editors) is composed from it and the components' own schemas (`composeConfigSchema`,
 * `npm run schema`); a test in @prunebench/cli keeps the shipped file up to date.
 * The names a study may give `baselines` and `backend` are the harness's (its `studyConfigSchema`
 * narrows these two keys to them): here they are any strings.
 * Component entries (`dataset`, `model`, `pruners[]`, `schedules[]`) are a name or
 * `{ "use": name, ...options }`; their options are checked against each component's own
 * schema once plugins are loaded.
 */
const componentRef: JsonSchema = {
  description: 'A component id, or { "use": id, "label"?: name, ...options }.',
  type: ['string', 'object'],
  if: { type: 'object' },
  then: {
    required: ['use'],
    properties: {
      use: { type: 'string', minLength: 1, description: 'The component id.' },
      label: { type: 'string', minLength: 1, description: 'A name for this entry in reports.' },
    },
  },
};

/** How a pruner entry prunes in steps (the harness runs it; see docs/study-design.md). */
const iterativeSchema: JsonSchema = {
  description: 'Prune in `steps` steps (rounds), retraining `retrainEpochs` epochs under `schedule` between them; `rewindEpoch` k rewinds the kept weights to the original at epoch k after every step and retrains T − k epochs of the original schedule from k (Renda et al.). `preset` names the paper\'s procedures.',
  type: 'object',
  additionalProperties: false,
  required: ['steps'],
  properties: {
    preset: {
      enum: ['renda-weight-rewinding', 'renda-lr-rewinding'],
      description: 'Renda et al. 2020 (needs rewindEpoch k): weight rewinding (rewind the kept weights to epoch k, retrain T − k epochs of the original schedule from k) or learning-rate rewinding (keep the pruned weights, same retraining); retrainEpochs and schedule follow from it.',
    },
    steps: { type: 'integer', minimum: 1, description: 'Pruning steps (rounds); the final sparsity is reached at the last.' },
    retrainEpochs: { type: 'integer', minimum: 1, description: 'Epochs of retraining between two steps (default 1; T − k with rewinding).' },
    schedule: { ...componentRef, description: 'Schedule of the retraining between steps (default "lrw").' },
    rewindEpoch: { type: 'integer', minimum: 0, description: "The epoch k rewound to: the kept weights are reset to the original's after epoch k after each step (weight rewinding; with preset renda-lr-rewinding only the LR is)." },
  },
};

const prunerRef: JsonSchema = {
  ...componentRef,
  then: { ...(componentRef.then as object), properties: { ...((componentRef.then as { properties: object }).properties), iterative: iterativeSchema } },
};

export const configSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'prunebench config',
  description: 'A fair-budget pruning study: dataset × model × pruners × schedules × budgets × seeds.',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    plugins: {
      description: 'Plugins to load: short names ("snip" → prunebench-plugin-snip), package names, paths, or plugin objects (JS/TS configs).',
      type: 'array',
      items: { type: ['string', 'object'] },
    },
    dataset: { ...componentRef, description: 'The dataset, e.g. "fashion-mnist" or { "use": "cifar10", "path": "./data" }.' },
    model: { ...componentRef, description: 'The model, e.g. "vgg-small" or { "use": "resnet56" }.' },
    original: originalScheduleSchema,
    pruners: { type: 'array', minItems: 1, items: prunerRef, description: 'Pruning methods: criterion and plan each.' },
    schedules: { type: 'array', minItems: 1, items: componentRef, description: 'Retraining schedules, e.g. ["ft", "lrw", "slr", "clr"].' },
    budgets: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 1 }, description: 'Retraining budgets, in epochs.' },
    baselines: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', minLength: 1 },
      description: 'random: a random pruner under every plan used; pruned: accuracy before retraining; scratch-e / scratch-b: the pruned architecture trained from scratch for the original\'s epochs / compute.',
    },
    referenceSchedule: { type: 'string', minLength: 1, description: 'The schedule paired gains are measured against (default "ft" when run, else the first).' },
    seeds: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0 } },
    pruneSeeds: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0 }, description: 'Repeat pruning of each original with these seeds (e.g. several random prunings of one network).' },
    budgetAccounting: { enum: ['retraining', 'total'], description: '"retraining" (default): every method retrains the full budget; "total": a pruner\'s own optimizer steps are deducted from its retraining budget.' },
    minRetrainingSteps: { type: 'integer', minimum: 1, description: 'With "total" accounting: a pruner left fewer retraining steps than this is reported as such (default: one epoch\'s steps).' },
    allowNoRetraining: { type: 'boolean', description: 'With "total" accounting: report a pruner whose own steps used the whole budget (0 retraining steps) instead of failing its retraining runs (default false).' },
    identity: {
      type: 'object',
      additionalProperties: false,
      properties: { backend: { type: 'boolean', description: 'false: leave the backend out of run identity (the report says so).' } },
    },
    backend: { type: 'string', minLength: 1, description: 'tfjs backend; "auto" picks the fastest that loads and is verified (a GPU backend only on a real GPU).' },
    workers: { type: 'integer', minimum: 1, description: 'Runs in parallel (worker threads); default: one per core.' },
    stallSeconds: { type: 'number', exclusiveMinimum: 0, description: 'A run that makes no progress (an optimizer step, an evaluated batch, a plugin call returning) for this long fails; default 900.' },
    out: { type: 'string', description: 'Output folder, relative to the config file.' },
  },
};
