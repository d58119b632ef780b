import * as path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type Pruner, type Schedule, type WeightMasks, RunLedger } from '@prunebench/core';
import { evaluateAndKeepPredictions } from '../predictions';
import { loadCheckpoint, saveCheckpoint } from '../../training/checkpoint';
import { guardedCall, nonFiniteWeight, pluginOf } from '../engine-guard';
import { epochExamples, forwardExamples, prunedMacs } from '../cost-model';
import { compressionRecord } from '../compression';
import { curveDigest } from '../curve-digest';
import { componentLabel } from '../definition';
import { type ExecutionContext, cost, make, runLatency, metrics, openDataset, stepsPerEpoch } from '../execution';
import { auditIterative, pruneIteratively, rewindCheckpointName, type IterativeRecord, type PrunerEntry } from '../iterative';
import { pruneOnce } from '../../prune/prune-once';
import { componentDefinition, jobId, providerCodeOf, pruneSeedSuffix, sgdSettings, studyComponents } from '../job-definition';
import { saveMasks } from '../masks';
import { MeteredDataset } from '../metering/metered-dataset';
import { costMismatches, measure, type MeasuredCost } from '../metering/measured-cost';
import type { RunRecord } from '../record';
import { seedFor } from '../seed-streams';
import type { JobBase, JobKind } from './job-kind';
import { originalKind, type OriginalJob } from './original';

export interface PruneJob extends JobBase {
  kind: 'prune';
  /** Which pruning of this original (the study's `pruneSeeds`; the seed itself when there are none). */
  pruneSeed: number;
  pruner: PrunerEntry;
  prunerLabel: string;
  originalId: string;
}

/**
 * A pruning of an original: one per pruner × prune seed. A pruner entry with `iterative` prunes
 * in steps with retraining between them (iterative.ts); its record is a prune's all the same.
 * Writes the pruned model, its masks (weight-level pruners) and the channel selections of every
 * step (selections.json), which a scratch baseline replays on a fresh model.
 */
export const pruneKind: JobKind<PruneJob, OriginalJob> = {
  name: 'prune',
  expandsFrom: originalKind,
  expand(study, original) {
    const seed = original.seed;
    return study.pruners.flatMap((pruner) => {
      const iterative = pruner.iterative && { ...pruner.iterative, schedule: componentDefinition(pruner.iterative.schedule), ...sgdSettings(study) };
      return (study.pruneSeeds ?? [seed]).map((pruneSeed): PruneJob => {
        const definition: Record<string, unknown> = { original: original.id, pruner: componentDefinition(pruner), seed, pruneSeed, ...(iterative ? { iterative } : {}) };
        if (study.environment) definition.code = providerCodeOf(study, 'pruner', pruner.id);
        return { id: jobId('prune', definition), kind: 'prune', seed, pruneSeed, deps: [original.id], definition, pruner, prunerLabel: componentLabel(pruner), originalId: original.id };
      });
    });
  },
  describe: (job) => `prune ${job.prunerLabel}, seed ${job.seed}${pruneSeedSuffix(job)}`,
  labels: (job) => ({ pruner: job.prunerLabel }),
  components: (job, study) => [...studyComponents(study), { kind: 'pruner', id: job.pruner.id }],
  work(job, _study, shape) {
    // One-shot pruning trains nothing; iterative pruning retrains between its steps, a
    // self-training pruner (SFP, a regularizer's sparsity training) trains for its `epochs`, on the original-sized network.
    const iterative = job.pruner.iterative ? epochExamples(shape, job.pruner.iterative.steps * job.pruner.iterative.retrainEpochs) : 0;
    const options = job.pruner.options ?? {};
    const sparsity = (options.sparsityTraining as { epochs?: number } | undefined)?.epochs ?? (options.regularizer !== undefined ? 1 : 0);
    const own = epochExamples(shape, (typeof options.epochs === 'number' && /^sfp/.test(job.pruner.id) ? options.epochs : 0) + sparsity);
    return { trainExamples: iterative + own, forwardExamples: forwardExamples(shape), macs: iterative ? (shape.originalMacs + prunedMacs(shape, job.prunerLabel)) / 2 : shape.originalMacs };
  },
  execute: runPrune,
  record: { required: ['pruner'], artifacts: ['model/model.json', 'model/weights.bin'] },
  summarize(record: RunRecord) {
    if (!record.cost) return [];
    const { before, after } = record.cost;
    return [
      `params −${((100 * (before.params - (after.nonZeroParams ?? after.params))) / before.params).toFixed(1)}%`,
      `MACs −${((100 * (before.macs - after.macs)) / before.macs).toFixed(1)}%`,
    ];
  },
  audit(records) {
    const problems = auditIterative(records);
    return problems.length
      ? `iterative pruning did not take its planned retraining:\n  - ${problems.join('\n  - ')}\nre-run the prunes named above (delete their folders under runs/).`
      : undefined;
  },
};

async function runPrune(job: PruneJob, ctx: ExecutionContext) {
  const { dataset, info } = await openDataset(ctx);
  const ledger = new RunLedger();
  const { model: original } = await loadCheckpoint(ctx.store.modelDir(job.originalId));
  let pruned: LayersModel | undefined;
  try {
    const before = cost(original);
    // A blown-up original is said to be one, not blamed on the criterion that meets its NaNs.
    const blownUp = await nonFiniteWeight(original);
    if (blownUp) throw new Error(`the original (runs/${job.originalId}) has NaN or infinite weights (${blownUp}): its training blew up; lower its learning rate or set original.divergence so such a run stops as diverged`);
    const who = `${pluginOf(ctx.registry, ['criterion', 'weight-score', 'pruner'], job.pruner.id)}, pruner ${job.prunerLabel}`;
    // What the pruner's result owns of the tensors allocated during its call (the rest leaked).
    const owned = (r: { model: LayersModel }) => (r.model === original ? 0 : r.model.weights.length);
    let leakedTensors = 0;
    const pruner = make<Pruner>(ctx, 'pruner', job.pruner, { seed: seedFor('prune', job.seed, job.pruneSeed), ledger });
    // Data only for pruners that declare they need it (and iterative ones, which retrain), through
    // a view that counts what it serves.
    const view = pruner.requirements.needsData || job.pruner.iterative ? new MeteredDataset(dataset, seedFor('calibration', job.seed, job.pruneSeed)) : undefined;
    const seed = seedFor('prune', job.seed, job.pruneSeed);
    let result!: { model: LayersModel; masks?: WeightMasks; selections: Array<Array<[number, number[]]>> };
    let iterative: IterativeRecord | undefined;
    const metered = await measure(async () => {
      if (job.pruner.iterative) {
        const spec = job.pruner.iterative;
        const rewindTo = spec.rewindEpoch === undefined ? undefined : (await loadCheckpoint(path.join(ctx.store.runDir(job.originalId), rewindCheckpointName(spec.rewindEpoch)))).model;
        try {
          const guarded = await guardedCall(who, () => ledger.time('prune', () =>
            pruneIteratively({
              original, spec, pruner, dataset: view!, seed, ledger, rewindTo, curveDigest,
              prunerOptions: job.pruner.options,
              makePruner: (options) => make<Pruner>(ctx, 'pruner', { ...job.pruner, options }, { seed, ledger }),
              makeSchedule: (ref) => make<Schedule>(ctx, 'schedule', ref),
              recipe: ctx.study.original,
              stepsPerEpoch: stepsPerEpoch(ctx, info),
            }),
          ), { owned });
          const outcome = guarded.result;
          leakedTensors = guarded.leakedTensors;
          result = outcome;
          iterative = outcome.record;
        } finally {
          rewindTo?.dispose();
        }
      } else {
        // The pruner may not change the original in place: its weights are digested before and after.
        const guarded = await guardedCall(who, () => pruneOnce(original, pruner, { dataset: view, seed, ledger }), { input: original, owned });
        result = guarded.result;
        leakedTensors = guarded.leakedTensors;
      }
    });
    const { compute, optimizerSteps, cpu } = metered;
    if (leakedTensors) ctx.onEvent({ type: 'phase', message: `warning: ${who} left ${leakedTensors} tensor(s) undisposed (prune, seed ${job.seed}); recorded as leakedTensors` });
    const measured: MeasuredCost = {
      examplesServed: view?.examples ?? 0,
      ...(view ? { served: view.served } : {}),
      macs: compute.macs,
      byKernel: compute.byKernel,
      optimizerSteps: optimizerSteps + (iterative?.optimizerSteps ?? 0),
      cpuSeconds: cpu.seconds,
      cpuScope: cpu.scope,
    };
    pruned = result.model;
    const after = cost(pruned, result.masks);
    const splits = await evaluateAndKeepPredictions(ctx.store, job.id, pruned, dataset, info, ledger);
    const test = metrics(splits.test);
    await saveCheckpoint(ctx.store.modelDir(job.id), { model: pruned });
    if (result.masks) ctx.store.writeFile(job.id, 'masks.bin', saveMasks(result.masks));
    const mismatch = costMismatches(ledger.toJSON(), measured);
    // The channels kept at each step: a scratch baseline rebuilds the architecture from them.
    ctx.store.writeFile(job.id, 'selections.json', JSON.stringify(result.selections));
    return {
      status: 'finished' as const,
      ...(iterative ? { iterative } : {}),
      ledger: ledger.toJSON(),
      measured,
      ...(mismatch.length ? { costMismatch: mismatch } : {}),
      ...(leakedTensors ? { leakedTensors } : {}),
      metrics: { test, ...(splits.validation ? { validation: metrics(splits.validation) } : {}) },
      cost: { before, after },
      compression: compressionRecord(job.pruner.options, { params: before.params, macs: before.macs }, { params: after.nonZeroParams ?? after.params, macs: after.macs }),
      latency: await runLatency(pruned),
    };
  } finally {
    if (pruned && pruned !== original) pruned.dispose();
    original.dispose();
  }
}
