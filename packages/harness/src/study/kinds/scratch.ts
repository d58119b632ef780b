import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type ModelFactory, RunLedger, applyKeptChannels, buildChannelGraph, expandPerEpoch, originalLrAt } from '@prunebench/core';
import type { BaselineResult } from '../../report/analysis-types';
import type { Block } from '../../report/document';
import { formatComparison, formatSample } from '../../report/format';
import { SCRATCH_FLOPS_COUNTED, SCRATCH_VARIANTS, scratchEpochs, type ScratchVariant } from '../baselines';
import { epochExamples, forwardExamples, prunedMacs } from '../cost-model';
import { type ExecutionContext, cost, make, runLatency, openDataset, stepsPerEpoch, trainAndEvaluate, trainedRun } from '../execution';
import type { PrunerEntry } from '../iterative';
import { jobId, pruneSeedSuffix, studyComponents } from '../job-definition';
import { loadMasks } from '../masks';
import { seedFor } from '../seed-streams';
import type { JobBase, JobKind } from './job-kind';
import { pruneKind, type PruneJob } from './prune';

/** A baseline: the pruned architecture trained from a fresh initialisation (Scratch-E / B). */
export interface ScratchJob extends JobBase {
  kind: 'scratch';
  variant: ScratchVariant;
  /** The pruning of the original whose architecture is trained from scratch. */
  pruneSeed: number;
  pruner: PrunerEntry;
  prunerLabel: string;
  pruneId: string;
  originalId: string;
}

/** Scratch-E and Scratch-B (Liu et al., ICLR 2019), per prune, when the study's `baselines` name them. */
export const scratchKind: JobKind<ScratchJob, PruneJob> = {
  name: 'scratch',
  expandsFrom: pruneKind,
  expand(study, prune) {
    const { checkpoint: _checkpoint, ...recipe } = study.original;
    return SCRATCH_VARIANTS.filter((v) => study.baselines?.includes(v)).map((variant): ScratchJob => {
      const definition = { prune: prune.id, baseline: variant, original: recipe, seed: prune.seed };
      return { id: jobId('scratch', definition), kind: 'scratch', variant, seed: prune.seed, pruneSeed: prune.pruneSeed, deps: [prune.id], definition, pruner: prune.pruner, prunerLabel: prune.prunerLabel, pruneId: prune.id, originalId: prune.originalId };
    });
  },
  describe: (job) => `${job.variant} of ${job.prunerLabel} (from scratch), seed ${job.seed}${pruneSeedSuffix(job)}`,
  labels: (job) => ({ pruner: job.prunerLabel, schedule: job.variant }),
  components: (job, study) => [...studyComponents(study), { kind: 'pruner', id: job.pruner.id }],
  work(job, study, shape) {
    const macs = prunedMacs(shape, job.prunerLabel);
    const { epochs } = scratchEpochs(job.variant, study.original.epochs, shape.originalMacs, macs);
    return { trainExamples: epochExamples(shape, epochs), forwardExamples: forwardExamples(shape), macs };
  },
  execute: runScratch,
  // Trained from scratch: no checkpoint is kept, its history and LR curve are.
  record: { required: ['pruner', 'schedule'], artifacts: ['history.csv', 'schedule.json'] },
  report: {
    baselineName: (record) => record.schedule ?? 'scratch',
    sections: ({ baselines }) => (baselines.length ? scratchSection(baselines) : []),
  },
};

/** The report's "From scratch" section: each baseline beside the best retrained cell. */
function scratchSection(baselines: readonly BaselineResult[]): Block[] {
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
  return [
    { kind: 'heading', level: 2, text: 'From scratch (Liu et al. 2019)' },
    {
      kind: 'table',
      caption: 'The pruned architecture, freshly initialised, trained under the original recipe: Scratch-E for the original\'s epochs, Scratch-B for its compute (epochs × original FLOPs / pruned FLOPs, FLOPs being multiply-accumulates of conv and dense layers; at most 2 × on the imagenet recipe, as Liu et al.). Last column: the best retrained cell of the largest budget minus scratch, paired by seed, with its p-value (Holm over this table; see "Paired tests").',
      header: ['pruner', 'baseline', 'epochs', 'top-1 (%)', 'best retrained − scratch (pp)'],
      rows: baselines.map((s) => {
        const epochs = [...new Set(s.runs.map((r) => r.scratch?.epochs ?? NaN))].sort((a, b) => a - b);
        const factor = mean(s.runs.map((r) => r.scratch?.factor ?? NaN));
        const best = s.bestRetrainedMinus;
        return [
          s.pruner,
          s.name,
          `${epochs.join(', ')}${factor > 1 ? ` (×${factor.toFixed(2)})` : ''}`,
          formatSample(s.top1),
          best ? `${best.schedule} @ ${best.budget} ep: ${formatComparison(best)}` : '–',
        ];
      }),
    },
  ];
}

/**
 * Builds the pruned architecture with fresh weights: a new original from the model factory
 * (its own seed stream), then the prune's channel selections replayed on it, so any model a
 * pruner can prune can be rebuilt. Fresh weights are drawn from the original's initialisers
 * (for the original's widths; with BatchNorm after every conv the scale is normalised away).
 */
export async function freshPrunedArchitecture(ctx: ExecutionContext, job: ScratchJob): Promise<LayersModel> {
  const { info } = await openDataset(ctx);
  const file = path.join(ctx.store.runDir(job.pruneId), 'selections.json');
  if (!fs.existsSync(file)) throw new Error(`${job.pruneId} has no selections.json: re-run it (delete its folder under runs/) to rebuild its architecture from scratch`);
  const selections = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<Array<[number, number[]]>>;
  let model = make<ModelFactory>(ctx, 'model', ctx.study.model).build({ inputShape: info.inputShape, numClasses: info.numClasses, seed: seedFor('scratch-init', job.seed) });
  try {
    for (const selection of selections) {
      const next = applyKeptChannels(model, buildChannelGraph(model), new Map(selection));
      model.dispose();
      model = next;
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** Runs a Scratch-E or Scratch-B baseline: the original recipe on the fresh pruned architecture. */
async function runScratch(job: ScratchJob, ctx: ExecutionContext) {
  const { info } = await openDataset(ctx);
  const pruneRecord = ctx.store.read(job.pruneId);
  if (!pruneRecord?.cost) throw new Error(`${job.pruneId} has no cost figures in its run.json: re-run it`);
  const recipe = ctx.study.original;
  const { epochs, factor, flopsRatio, capped } = scratchEpochs(job.variant, recipe.epochs, pruneRecord.cost.before.macs, pruneRecord.cost.after.macs, recipe.scratchBMaxFactor);
  const stretched = { ...recipe, epochs, milestones: recipe.milestones.map((m) => Math.round(m * factor)), ...(recipe.warmupEpochs ? { warmupEpochs: Math.round(recipe.warmupEpochs * factor) } : {}) };
  const model = await freshPrunedArchitecture(ctx, job);
  try {
    const masks = loadMasks(ctx.store.runDir(job.pruneId));
    const built = cost(model, masks);
    const expected = pruneRecord.cost.after;
    if (built.params !== expected.params || built.macs !== expected.macs) {
      throw new Error(`the rebuilt architecture has ${built.params} params / ${built.macs} MACs, the pruned model ${expected.params} / ${expected.macs}: its kept channels do not replay`);
    }
    const S = stepsPerEpoch(ctx, info);
    const steps = expandPerEpoch({ epochs, stepsPerEpoch: S }, (epoch) => ({ lr: originalLrAt(stretched, epoch), momentum: recipe.momentum }));
    const ledger = new RunLedger();
    const outcome = await trainAndEvaluate(ctx, job, model, steps, masks, ledger, seedFor('original-data', job.seed));
    const trained = trainedRun(ctx, job, steps, S, outcome, ledger);
    return {
      ...trained,
      scratch: { variant: job.variant, epochs, factor, milestones: stretched.milestones, flopsRatio, capped, flopsCounted: SCRATCH_FLOPS_COUNTED },
      cost: pruneRecord.cost,
      latency: trained.status === 'finished' ? await runLatency(model) : undefined,
    };
  } finally {
    model.dispose();
  }
}
