import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { type ModelFactory, RunLedger, expandPerEpoch, originalLrAt } from '@prunebench/core';
import { evaluate } from '../../training/evaluate';
import { loadCheckpoint, saveCheckpoint } from '../../training/checkpoint';
import { guardedCall, pluginOf } from '../engine-guard';
import { epochExamples, forwardExamples } from '../cost-model';
import { curveDigest } from '../curve-digest';
import { type ExecutionContext, EVAL_BATCH, cost, historyCsv, make, runLatency, metrics, openDataset, studyBatching, trainAndEvaluate } from '../execution';
import { rewindCheckpointName, rewindEpochs } from '../iterative';
import { componentDefinition, jobId, providerCodeOf, studyComponents } from '../job-definition';
import { seedFor } from '../seed-streams';
import type { JobBase, JobKind } from './job-kind';

export interface OriginalJob extends JobBase {
  kind: 'original';
}

const MODEL_FILES = ['model/model.json', 'model/weights.bin'];

/** The original: the model trained under the original recipe, once per seed (or a given checkpoint, evaluated). */
export const originalKind: JobKind<OriginalJob, never> = {
  name: 'original',
  expandsFrom: null,
  expand(study) {
    const { checkpoint, dropLast, ...recipe } = study.original;
    const env = study.environment;
    // Weight rewinding needs the originals' epoch-k weights: part of what an original is then.
    const rewind = rewindEpochs(study.pruners);
    return study.seeds.map((seed): OriginalJob => {
      const definition: Record<string, unknown> = {
        dataset: componentDefinition(study.dataset),
        model: componentDefinition(study.model),
        original: recipe,
        checkpoint: checkpoint ?? null,
        seed,
        dropLast,
        ...(rewind.length ? { rewindEpochs: rewind } : {}),
      };
      if (env) {
        definition.environment = {
          prunebench: env.prunebench,
          tfjs: env.tfjs,
          backend: env.backend,
          data: env.data,
          checkpoint: env.checkpoint?.digest ?? null,
          datasetCode: providerCodeOf(study, 'dataset', study.dataset.id),
          modelCode: providerCodeOf(study, 'model', study.model.id),
        };
      }
      return { id: jobId('original', definition), kind: 'original', seed, deps: [], definition };
    });
  },
  describe: (job) => `train original, seed ${job.seed}`,
  labels: () => ({}),
  components: (_job, study) => studyComponents(study),
  work: (_job, study, shape) => ({ trainExamples: study.original.checkpoint ? 0 : epochExamples(shape, study.original.epochs), forwardExamples: forwardExamples(shape), macs: shape.originalMacs }),
  execute: runOriginal,
  record: {
    required: [],
    // Its rewind checkpoints are artifacts like its model: digested in run.json, checked on every read.
    artifacts: (record) => [...MODEL_FILES, ...(record.rewind ?? []).flatMap((r) => MODEL_FILES.map((f) => `${r.checkpoint}/${f.slice('model/'.length)}`))],
  },
};

async function runOriginal(job: OriginalJob, ctx: ExecutionContext) {
  const { dataset, info } = await openDataset(ctx);
  const ledger = new RunLedger();
  const recipe = ctx.study.original;
  // The model plugin's call is checked like a pruner's: it may not change the engine (engine-guard.ts).
  const model = recipe.checkpoint
    ? (await loadCheckpoint(recipe.checkpoint)).model
    : (
        await guardedCall(`${pluginOf(ctx.registry, ['model'], ctx.study.model.id)}, model ${ctx.study.model.id}`, () =>
          make<ModelFactory>(ctx, 'model', ctx.study.model, { seed: job.seed, ledger }).build({ inputShape: info.inputShape, numClasses: info.numClasses, seed: seedFor('original-init', job.seed) }),
        )
      ).result;
  try {
    if (recipe.checkpoint) {
      // A user's own trained model: evaluate it and keep a copy beside the runs.
      const test = metrics(await evaluate(model, dataset, 'test', EVAL_BATCH, { ledger }));
      await saveCheckpoint(ctx.store.modelDir(job.id), { model });
      const figures = cost(model);
      return { status: 'finished' as const, ledger: ledger.toJSON(), metrics: { test }, cost: { before: figures, after: figures }, latency: await runLatency(model) };
    }
    const batching = studyBatching(ctx, info);
    const steps = expandPerEpoch({ epochs: recipe.epochs, stepsPerEpoch: batching.stepsPerEpoch }, (epoch) => ({
      lr: originalLrAt(recipe, epoch),
      momentum: recipe.momentum,
    }));
    // Weight rewinding: the weights after epoch k (k = 0: the initialisation) are kept.
    const rewindAt = (job.definition.rewindEpochs as number[] | undefined) ?? [];
    const kept = new Map<number, tf.Tensor[]>();
    if (rewindAt.includes(0)) kept.set(0, model.getWeights().map((w) => w.clone()));
    const onEpoch = (e: { epoch: number }) => {
      if (rewindAt.includes(e.epoch + 1)) kept.set(e.epoch + 1, model.getWeights().map((w) => w.clone()));
    };
    try {
      // Per-epoch validation accuracy in history.csv: what shows the original has plateaued (report/reference-design.ts).
      const outcome = await trainAndEvaluate(ctx, job, model, steps, undefined, ledger, seedFor('original-data', job.seed), onEpoch, true);
      ctx.store.writeFile(job.id, 'history.csv', historyCsv(outcome.result.history));
      const figures = cost(model);
      if (outcome.result.status !== 'completed') {
        return { status: 'diverged' as const, error: outcome.result.message, ledger: ledger.toJSON(), plannedSteps: steps.length };
      }
      await saveCheckpoint(ctx.store.modelDir(job.id), { model });
      const latency = await runLatency(model);
      for (const [epoch, weights] of kept) {
        model.setWeights(weights);
        await saveCheckpoint(path.join(ctx.store.runDir(job.id), rewindCheckpointName(epoch)), { model });
      }
      const S = batching.stepsPerEpoch;
      return {
        status: 'finished' as const,
        ledger: ledger.toJSON(),
        plannedSteps: steps.length,
        scheduleDigest: curveDigest(steps),
        ...(kept.size ? { rewind: [...kept.keys()].sort((a, b) => a - b).map((epoch) => ({ epoch, checkpoint: rewindCheckpointName(epoch), curveDigest: curveDigest(steps.slice(epoch * S)) })) } : {}),
        metrics: { test: outcome.test, validation: outcome.validation },
        cost: { before: figures, after: figures },
        latency,
        datasetSizes: info.sizes,
      };
    } finally {
      for (const weights of kept.values()) for (const w of weights) w.dispose();
    }
  } finally {
    model.dispose();
  }
}
