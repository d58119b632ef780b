import { type Schedule, RunLedger } from '@prunebench/core';
import type { ComponentRef } from '@prunebench/core/config';
import { loadCheckpoint } from '../../training/checkpoint';
import { compressSchedule, expectedSamples } from '../budget';
import { guardedCall, pluginOf } from '../engine-guard';
import { epochExamples, forwardExamples, prunedMacs } from '../cost-model';
import { componentLabel } from '../definition';
import { type ExecutionContext, make, runLatency, openDataset, studyBatching, trainAndEvaluate, trainedRun } from '../execution';
import { componentDefinition, jobId, providerCodeOf, pruneSeedSuffix, sgdSettings, studyComponents } from '../job-definition';
import { loadMasks } from '../masks';
import { seedFor } from '../seed-streams';
import type { JobBase, JobKind } from './job-kind';
import { pruneKind, type PruneJob } from './prune';
import { retrainingLeft } from '../budget-accounting';

export interface RetrainJob extends JobBase {
  kind: 'retrain';
  pruner: ComponentRef;
  prunerLabel: string;
  pruneSeed: number;
  schedule: ComponentRef;
  scheduleLabel: string;
  budget: number;
  pruneId: string;
  originalId: string;
}

/** Retraining a pruned model: one per schedule × budget, each under the study's audited budget. */
export const retrainKind: JobKind<RetrainJob, PruneJob> = {
  name: 'retrain',
  expandsFrom: pruneKind,
  expand(study, prune) {
    const { dropLast, divergence } = study.original;
    return study.schedules.flatMap((schedule) =>
      study.budgets.map((budget): RetrainJob => {
        const definition: Record<string, unknown> = {
          prune: prune.id,
          schedule: componentDefinition(schedule),
          budget,
          budgetAccounting: study.budgetAccounting,
          // What retraining inherits from the recipe.
          ...sgdSettings(study),
          dropLast,
          divergence,
          seed: prune.seed,
        };
        if (study.environment) definition.code = providerCodeOf(study, 'schedule', schedule.id);
        return {
          id: jobId('retrain', definition),
          kind: 'retrain',
          seed: prune.seed,
          pruneSeed: prune.pruneSeed,
          deps: [prune.id],
          definition,
          pruner: prune.pruner,
          prunerLabel: prune.prunerLabel,
          schedule,
          scheduleLabel: componentLabel(schedule),
          budget,
          pruneId: prune.id,
          originalId: prune.originalId,
        };
      }),
    );
  },
  describe: (job) => `retrain ${job.prunerLabel} × ${job.scheduleLabel} × ${job.budget} ep, seed ${job.seed}${pruneSeedSuffix(job)}`,
  labels: (job) => ({ pruner: job.prunerLabel, schedule: job.scheduleLabel, budget: job.budget }),
  components: (job, study) => [...studyComponents(study), { kind: 'pruner', id: job.pruner.id }, { kind: 'schedule', id: job.schedule.id }],
  work: (job, _study, shape) => ({ trainExamples: epochExamples(shape, job.budget), forwardExamples: forwardExamples(shape), macs: prunedMacs(shape, job.prunerLabel) }),
  execute: runRetrain,
  // Retraining keeps no checkpoint: its history and LR curve.
  record: { required: ['pruner', 'schedule', 'budget'], artifacts: ['history.csv', 'schedule.json'] },
  report: { cells: true },
};

async function runRetrain(job: RetrainJob, ctx: ExecutionContext) {
  const { info } = await openDataset(ctx);
  const ledger = new RunLedger();
  const pruneRecord = ctx.store.read(job.pruneId);
  const { model } = await loadCheckpoint(ctx.store.modelDir(job.pruneId));
  try {
    const masks = loadMasks(ctx.store.runDir(job.pruneId));
    const schedule = make<Schedule>(ctx, 'schedule', job.schedule, { seed: job.seed, ledger });
    const batching = studyBatching(ctx, info);
    const budget = { epochs: job.budget, stepsPerEpoch: batching.stepsPerEpoch };
    // The schedule plugin's call is checked like a pruner's: it may not change the engine (engine-guard.ts).
    const full = (await guardedCall(`${pluginOf(ctx.registry, ['schedule'], job.schedule.id)}, schedule ${job.schedule.id}`, () => schedule.compute(ctx.study.original, budget))).result;
    // Budget accounting `total`: the optimizer steps the pruner took itself (as measured) come
    // out of its retraining budget, the schedule squeezed into the steps left.
    const mode = ctx.study.budgetAccounting;
    const left = retrainingLeft({
      mode, budgetSteps: full.length, stepsPerEpoch: batching.stepsPerEpoch, prunerSteps: pruneRecord?.measured?.optimizerSteps ?? 0,
      minimum: ctx.study.minRetrainingSteps, allowNone: ctx.study.allowNoRetraining, what: `${job.prunerLabel} at ${job.budget} epochs`,
    });
    const { deductedSteps } = left;
    const steps = compressSchedule(full, left.steps);
    const accounting = {
      mode, epochs: job.budget, deductedSteps, expectedSteps: steps.length, expectedSamples: expectedSamples(steps.length, batching),
      ...(left.minimumSteps !== undefined ? { minimumSteps: left.minimumSteps, belowMinimum: left.belowMinimum } : {}),
    };
    const outcome = await trainAndEvaluate(ctx, job, model, steps, masks, ledger, seedFor('retrain-data', job.seed));
    const trained = trainedRun(ctx, job, steps, budget.stepsPerEpoch, outcome, ledger);
    return {
      ...trained,
      batching,
      budgetAccounting: accounting,
      measured: outcome.measured,
      // Retraining keeps the pruned shape; masked weights stay zero, so the cost is the prune's.
      cost: pruneRecord?.cost,
      latency: trained.status === 'finished' ? await runLatency(model) : undefined,
    };
  } finally {
    model.dispose();
  }
}
