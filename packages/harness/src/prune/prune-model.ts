import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { CORE_VERSION, PruneCheckError, PrunebenchError, RunLedger, UsageError, buildChannelGraph, countCost, createComponent, findUnsupportedLayers, type ChannelGraph, type DatasetInfo, type PruneResult, type Registry, type Schedule } from '@prunebench/core';
import { resolveComponentRef } from '@prunebench/core/config';
import type { DependencyContainer } from 'tsyringe';
import { selectBackend, type BackendName } from '../backend/select';
import { openDataset, resolveDatasetEntry, type DatasetEntry, type OpenDataset } from '../data/open-dataset';
import { componentLabel, type TrainingRecipe } from '../study/definition';
import { saveMasks } from '../study/masks';
import type { ProgressSink } from '../study/progress';
import { evaluateSplits } from '../training/evaluate';
import { MODEL_JSON, loadModelFile, modelArtifacts, modelFromArtifacts, modelJsonPath, writeModelFiles } from '../training/model-files';
import { writeDirAtomic } from '../util/atomic';
import { finetune } from './finetune';
import { compareLatency, type LatencyOptions } from './latency';
import { CONFIG_KEYS, makePruner, type PruneKeys } from './make-pruner';
import { nothingPrunedError } from './nothing-pruned';
import { pruneOnce } from './prune-once';
import { compareOutputs, zeroPrunedParts, type OutputCheck } from './output-check';
import { percentFewer as percent, type PruningReport, type SkippedCheck } from './pruning-report';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const HARNESS_VERSION: string = require('../../package.json').version;

export const PRUNING_JSON = 'pruning.json';
export const MASKS_BIN = 'masks.bin';

export interface PruneModelOptions {
  /** The trained model: a model.json, a folder holding one, or a `file://` URL of either. */
  model: string;
  /** The container and registry with every plugin loaded (custom layers, criteria, datasets). */
  components: { container: DependencyContainer; registry: Registry };
  /** The pruner's entry as a config writes it: `{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }`, `{ use: 'magnitude', sparsity: 0.9 }`. */
  pruner: { use: string; [key: string]: unknown };
  seed: number;
  backend: BackendName;
  /** Largest accepted output error of the pruned model, relative to max(1, largest output). */
  tolerance: number;
  /** The data to evaluate, fine-tune and score channels on. */
  dataset?: DatasetEntry;
  /** Data used only when something needs it (fine-tuning, a data-driven criterion): a config's. */
  fallbackDataset?: DatasetEntry;
  finetune?: { schedule: string | { use: string; [key: string]: unknown }; epochs: number; recipe: TrainingRecipe };
  latency: LatencyOptions;
  /** Where the pruned model goes (a folder); unused by a dry run. */
  out: string;
  /** Prune, count and check, then stop: no latency, no fine-tuning, nothing saved. */
  dryRun?: boolean;
  /** How the caller names each input in messages (default: config key paths). */
  keys?: PruneKeys;
  /** Added to the report's `versions` (e.g. the CLI's own). */
  versions?: Record<string, string>;
  onEvent?: ProgressSink;
  /** Called once the pruning is checked (and timed), before fine-tuning. */
  onPruned?: (report: PruningReport) => void;
}

/** The folder a pruned model goes to by default: beside the input, `<name>-pruned`. */
export function defaultPrunedDir(model: string): string {
  const file = modelJsonPath(model);
  const base = path.basename(file) === MODEL_JSON ? path.dirname(file) : file.replace(/\.json$/i, '');
  return `${base}-pruned`;
}

/** Refuses an output folder that holds something other than an earlier prune's output. */
function checkOutDir(out: string, modelJson: string, key: string): void {
  if (path.resolve(out) === path.dirname(modelJson)) throw new UsageError(`${key} ${out} is the input model's own folder: give another folder`);
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory()) throw new UsageError(`${key} ${out} is a file: give a folder`);
  const entries = fs.readdirSync(out);
  if (entries.length && !entries.includes(PRUNING_JSON)) {
    throw new UsageError(`${key} ${out} exists and is not the output of an earlier prune (no ${PRUNING_JSON}): give another folder or empty it`);
  }
}

function checkDataFits(model: tfl.LayersModel, info: DatasetInfo, datasetId: string): void {
  const inputShape = model.inputs[0].shape.slice(1);
  const classes = model.outputs[0].shape[model.outputs[0].shape.length - 1];
  if (model.inputs.length !== 1 || inputShape.join('x') !== info.inputShape.join('x') || classes !== info.numClasses) {
    throw new UsageError(
      `dataset "${datasetId}" gives ${info.inputShape.join('x')} inputs and ${info.numClasses} classes, but the model takes ` +
        `${model.inputs.map((i) => i.shape.slice(1).join('x')).join(' + ')} and outputs ${classes}: give the dataset the model was trained on`,
    );
  }
}

/** Whether a pruning removed nothing: every group kept whole, or every mask all ones. */
function prunedNothing(result: PruneResult): boolean {
  if (result.masks) return [...result.masks.values()].every((mask) => mask.every((v) => v !== 0));
  return (result.groups ?? []).every((g) => g.kept === g.total);
}

/**
 * Prunes a trained TF.js layers model, as `prunebench prune` does: loads it, prunes it with the
 * pruner entry (every group an untraceable layer such as Reshape does not touch), refuses a plan
 * that prunes nothing, checks the pruned model's outputs against the original with the pruned
 * parts zeroed, times both, fine-tunes it (optionally) as a study retrains, and saves it
 * (model.json + weight shards, masks, pruning.json) atomically to `out`. Returns pruning.json.
 */
export async function pruneModel(options: PruneModelOptions): Promise<PruningReport> {
  const keys = options.keys ?? CONFIG_KEYS;
  const source = modelJsonPath(options.model);
  if (!options.dryRun) checkOutDir(options.out, source, keys.out);
  const { registry, container } = options.components;
  const ledger = new RunLedger();
  const { ref: prunerRef, pruner } = makePruner(options.components, options.pruner, { seed: options.seed, ledger }, keys);
  const { structured, needsData } = pruner.requirements;
  const datasetEntry = options.dataset ?? (needsData || options.finetune ? options.fallbackDataset : undefined);
  if (needsData && !datasetEntry) {
    throw new UsageError(`${keys.criterion} ${prunerRef.id} scores channels on data: give ${keys.dataset} (the data the model was trained on)`);
  }
  if (options.finetune && !datasetEntry) throw new UsageError(`fine-tuning needs data: give ${keys.dataset}`);
  const datasetRef = datasetEntry && resolveDatasetEntry(registry, datasetEntry);
  const schedule = options.finetune && !options.dryRun ? resolveComponentRef(registry, 'schedule', options.finetune.schedule, keys.schedule) : undefined;
  const scheduleInstance = schedule && createComponent<Schedule>(container, registry, 'schedule', schedule.id, schedule.options);

  const selection = await selectBackend(options.backend);
  const original = await loadModelFile(source);
  let pruned: tfl.LayersModel | undefined;
  try {
    // A layer class without a rule is refused here (UnknownLayerError says how to add one);
    // opaque layers (Reshape, ...) only leave the groups around them whole.
    const graph: ChannelGraph | undefined = structured ? buildChannelGraph(original) : undefined;
    const leftWhole = structured ? findUnsupportedLayers(original) : [];
    const data: OpenDataset | undefined = datasetRef && (await openDataset(options.components, datasetRef));
    if (data) checkDataFits(original, data.info, data.ref.id);
    const before = countCost(original);
    const result = await pruneOnce(original, pruner, { dataset: needsData ? data?.dataset : undefined, seed: options.seed, ledger });
    if (structured ? !result.keptChannels : !result.masks) {
      if (result.model !== original) result.model.dispose();
      throw new PruneCheckError(
        `pruner "${prunerRef.id}" did not return ${structured ? 'the channels it kept (PruneResult.keptChannels)' : 'its weight masks (PruneResult.masks)'}, ` +
          'so its model cannot be checked against the original: nothing was saved. The pruner must report what it removed.',
      );
    }
    if (prunedNothing(result)) {
      if (result.model !== original) result.model.dispose();
      throw nothingPrunedError({ registry, prunerRef, graph, leftWhole, keys });
    }
    // What is checked, timed and fine-tuned is the model as saved: rebuilt from its own artifacts.
    const artifacts = await modelArtifacts(result.model);
    if (result.model !== original) result.model.dispose();
    pruned = await modelFromArtifacts(artifacts, 'the pruned model');
    const after = countCost(pruned, { masks: result.masks });

    const latency = options.dryRun ? undefined : await compareLatency(original, pruned, options.latency);
    const originalMetrics = data && !options.dryRun ? await evaluateSplits(original, data.dataset, data.info, { ledger }) : undefined;
    // A pruner that trains the network itself changes the kept weights too: the zeroed original is
    // no reference for it, so its check is skipped and the report says why.
    const check: OutputCheck | SkippedCheck = pruner.requirements.trainsItself
      ? { skipped: `pruner "${prunerRef.id}" trains the network itself, so the kept weights differ from the original's; evaluate it on data (--dataset) instead` }
      : (zeroPrunedParts(original, graph ?? buildChannelGraph(original), result.keptChannels, result.masks), await compareOutputs(original, pruned, { tolerance: options.tolerance, seed: options.seed }));
    if ('passed' in check && !check.passed) {
      throw new PruneCheckError(
        `the pruned model's outputs differ from the original's with the pruned ${structured ? 'channels' : 'weights'} zeroed by ` +
          `${check.maxAbsError.toExponential(3)} (relative ${check.relativeError.toExponential(3)} > tolerance ${options.tolerance}); ` +
          'nothing was saved. This is a pruning bug: please report it with the model.',
      );
    }

    const kept = result.keptChannels instanceof Map ? result.keptChannels : new Map(Object.entries(result.keptChannels ?? {}).map(([k, v]) => [Number(k), v]));
    const report: PruningReport = {
      format: 1,
      source,
      ...(options.dryRun ? { dryRun: true } : { out: options.out }),
      createdAt: new Date().toISOString(),
      pruner: { use: prunerRef.id, ...prunerRef.options },
      criterion: prunerRef.id,
      plan: prunerRef.options.plan ?? null,
      structured,
      seed: options.seed,
      groups: (result.groups ?? []).map((g) => ({ ...g, keptChannels: [...(kept.get(g.group) ?? Array.from({ length: g.total }, (_, i) => i))] })),
      leftWhole,
      cost: {
        before: { params: before.params, macs: before.macs },
        after: { params: after.params, macs: after.macs, ...(result.masks ? { nonZeroParams: after.nonZeroParams } : {}) },
        reduction: {
          paramsPercent: percent(before.params, result.masks ? (after.nonZeroParams ?? after.params) : after.params),
          macsPercent: percent(before.macs, after.macs),
        },
      },
      check,
      ...(latency ? { latency } : {}),
      ...(result.masks ? { masks: { file: MASKS_BIN, weights: [...result.masks.keys()] } } : {}),
      ledger: ledger.toJSON(),
      versions: {
        prunebench: CORE_VERSION,
        harness: HARNESS_VERSION,
        ...options.versions,
        tfjs: tf.version_core,
        tfjsLayers: tfl.version_layers,
        backend: selection.name,
        ...(selection.acceleratedKernels !== undefined ? { acceleratedWasmKernels: selection.acceleratedKernels } : {}),
        plugins: registry.listPlugins().map(({ plugin, source: from }) => ({ name: plugin.name, version: plugin.version, package: from.packageName })),
      },
    };
    options.onPruned?.(report);
    if (options.dryRun) return report;

    const tuned =
      options.finetune && data && schedule && scheduleInstance
        ? await finetune(pruned, {
            dataset: data.dataset,
            info: data.info,
            recipe: options.finetune.recipe,
            schedule: scheduleInstance,
            epochs: options.finetune.epochs,
            masks: result.masks,
            seed: options.seed,
            ledger,
            label: `fine-tune ${componentLabel(prunerRef)} with ${componentLabel(schedule)}, ${options.finetune.epochs} epoch(s)`,
            onEvent: options.onEvent ?? (() => undefined),
          })
        : undefined;
    if (data && originalMetrics) {
      report.dataset = { use: data.ref.id, ...data.ref.options };
      report.accuracy = { original: originalMetrics, pruned: tuned?.before ?? (await evaluateSplits(pruned, data.dataset, data.info, { ledger })) };
    }
    if (tuned && options.finetune && schedule) {
      report.finetune = { schedule: { use: schedule.id, ...schedule.options }, epochs: options.finetune.epochs, recipe: options.finetune.recipe, ...tuned };
      if (tuned.status !== 'completed') {
        throw new PrunebenchError(`fine-tuning stopped: ${tuned.message}; nothing was saved. Try a lower learning rate (the original recipe) or another schedule.`);
      }
    }
    report.ledger = ledger.toJSON();

    const final = tuned ? await modelArtifacts(pruned) : artifacts;
    await writeDirAtomic(options.out, (dir) => {
      report.files = writeModelFiles(dir, final);
      if (result.masks) {
        fs.writeFileSync(path.join(dir, MASKS_BIN), saveMasks(result.masks));
        report.files.push(MASKS_BIN);
      }
      report.files.push(PRUNING_JSON);
      fs.writeFileSync(path.join(dir, PRUNING_JSON), `${JSON.stringify(report, null, 2)}\n`);
    });
    return report;
  } finally {
    pruned?.dispose();
    original.dispose();
  }
}
