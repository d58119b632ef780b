import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { CORE_VERSION, ConfigErrors, resolvePrunerEntry, type PrunerEntryTarget, PruneCheckError, UnknownComponentError, PrunebenchError, RunLedger, UnsupportedLayerError, UsageError, buildChannelGraph, countCost, createComponent, createPruneContext, findUnsupportedLayers, runScope, resolveComponentRef, type ComponentRef, type Dataset, type DatasetInfo, type PruneResult, type Pruner, type Schedule } from '@prunebench/core';
import { componentLabel, createProgressPrinter, saveMasks, selectBackend, withPathsFrom, writeDirAtomic } from '@prunebench/harness';
import type { Command } from 'commander';
import { loadContext, type CommandContext } from '../context';
import { printJson, type Io } from '../io';
import { compareOutputs, zeroPrunedParts } from './prune-check';
import { evaluateSplits, finetune } from './prune-finetune';
import { compareLatency } from './prune-latency';
import { modelArtifacts, modelFromArtifacts, readModelArtifacts, writeModelFiles } from './prune-model-files';
import { parsePruneFlags, type PruneFlags, type PruneRequest } from './prune-options';
import { describeOutcome, describePruning, type PruningReport } from './prune-report';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CLI_VERSION: string = require('../../package.json').version;

export const PRUNING_JSON = 'pruning.json';
export const MASKS_BIN = 'masks.bin';

const percent = (before: number, after: number) => (before > 0 ? Number(((100 * (before - after)) / before).toFixed(2)) : 0);

/**
 * `prunebench prune MODEL --criterion l1 --plan uniform --ratio 0.5 [--finetune --dataset ID
 * --epochs E] [--out DIR] [--json]`: prunes a trained TF.js layers model through the channel
 * graph, checks the result against the original, optionally fine-tunes it with a retraining
 * schedule, and saves it (model.json + weight shards) with a pruning.json report.
 */
export function registerPruneCommand(program: Command, io: Io): void {
  const collect = (value: string, previous: string[]) => [...previous, value];
  program
    .command('prune')
    .description('prune a trained TF.js layers model (model.json + weights) and save the smaller model, checked and timed')
    .argument('<model>', 'folder holding model.json, or the model.json file (file:// URLs too)')
    .option('--criterion <id>', 'pruning criterion: l1, l2, random, fpgm, bn-scale, taylor (channels) or magnitude, random-weights (weights)', 'l1')
    .option('--plan <plan>', 'structured criteria: an id (uniform, per-layer, global, pfec-a … pfec-d) or JSON {"use": id, ...options}')
    .option('--ratio <r>', "the plan's pruning ratio (uniform, global)")
    .option('--plan-option <key=value>', 'another plan option, repeatable (value: JSON or a plain string)', collect, [] as string[])
    .option('--sparsity <s>', 'weight-level criteria: fraction of the conv weights set to zero')
    .option('--criterion-option <key=value>', "another of the criterion's options, repeatable", collect, [] as string[])
    .option('--seed <n>', 'seed of random criteria, the check batch and fine-tuning (default 0)')
    .option('-o, --out <dir>', 'where to save the pruned model (default: <model folder>-pruned)')
    .option('-b, --backend <name>', 'tfjs backend: auto, tensorflow-gpu, tensorflow, wasm, cpu (default: the config\'s, else auto)')
    .option('-c, --config <file>', 'config whose plugins (custom layers, criteria), dataset and original recipe to use')
    .option('--tolerance <t>', 'largest accepted output error of the pruned model, relative to max(1, largest output)', '1e-4')
    .option('--finetune', 'retrain the pruned model with a retraining schedule before saving it')
    .option('--dataset <id>', "the data (fine-tuning, data-driven criteria): an id or JSON {\"use\": id, ...options} (default: the config's)")
    .option('--schedule <id>', 'the retraining schedule: an id or JSON {"use": id, ...options}', 'clr')
    .option('--epochs <E>', "fine-tuning budget in epochs (default: the config's first budget)")
    .option('--batch-size <B>', "fine-tuning batch size (default: the original recipe's)")
    .option('--original <preset|file>', 'the original recipe the schedule derives from: cifar, imagenet or a JSON file (default: the config\'s "original", else cifar)')
    .option('--latency-runs <n>', 'timed forward passes per model and batch size, after 3 warm-up runs (fewer, but at least 5, past 10 s)', '20')
    .option('--throughput-batch <n>', 'the larger batch size latency is measured at (besides 1)', '64')
    .option('--json', 'print pruning.json (one JSON document) on stdout; progress goes to stderr')
    .action(async (model: string, flags: PruneFlags) => {
      const context = await loadContext({ config: flags.config });
      const request = parsePruneFlags(model, flags, context);
      if (request.json) {
        printJson(io, await prune(request, context, { write: io.err }));
        return;
      }
      const report = await prune(request, context, { write: io.out, onPruned: (pruned) => io.out(describePruning(pruned) + (request.finetune ? '\n' : '')) });
      io.out(describeOutcome(report));
    });
}

/** Refuses an --out folder that holds something other than an earlier prune's output. */
function checkOutDir(request: PruneRequest): void {
  const { out, modelJson } = request;
  if (path.resolve(out) === path.dirname(modelJson)) throw new UsageError(`--out ${out} is the input model's own folder: give another folder`);
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a file: give a folder`);
  const entries = fs.readdirSync(out);
  if (entries.length && !entries.includes(PRUNING_JSON)) {
    throw new UsageError(`--out ${out} exists and is not the output of an earlier prune (no ${PRUNING_JSON}): give another folder or empty it`);
  }
}

async function openDataset(request: PruneRequest, context: CommandContext): Promise<{ dataset: Dataset; info: DatasetInfo; id: string; options: Record<string, unknown> } | undefined> {
  if (!request.dataset) return undefined;
  const { entry, where, dir } = request.dataset;
  const ref = withPathsFrom(dir, resolveComponentRef(context.registry, 'dataset', entry, where));
  const dataset = createComponent<Dataset>(context.container, context.registry, 'dataset', ref.id, ref.options);
  return { dataset, info: await dataset.load(), id: ref.id, options: ref.options };
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

/** Names the flag to change when a message would otherwise speak of a config. */
function flagError(flag: string, error: unknown): unknown {
  if (error instanceof ConfigErrors) {
    // A plan's own errors (`plan.use`, `plan.ratio`) are the --plan flag's, whichever entry checked them.
    const messages = error.errors.map((e) => {
      const key = e.keyPath.replace(/^\./, '');
      if (key === 'plan' || key === 'plan.use') return `--plan: ${e.problem}`;
      if (key.startsWith('plan.')) return `--plan: ${key.slice('plan.'.length)}: ${e.problem}`;
      return `${flag}: ${e.message}`;
    });
    return new UsageError(messages.join('; '), { cause: error });
  }
  if (error instanceof UnknownComponentError) return new UsageError(`${flag}: ${error.message}`, { cause: error });
  return error;
}

/**
 * The pruner, made from the registry as a study config's entry is: the same ids, option schemas,
 * defaults and "did you mean". Flags that do not fit the criterion's kind are named first.
 */
/** The pruner asked for, made in the prune's run scope (its RNG of --seed, its LEDGER `ledger`). */
function makePruner(request: PruneRequest, context: CommandContext, ledger: RunLedger) {
  const { registry, container } = context;
  const { use: id, ...given } = request.pruner;
  // A pruner by id, or a criterion / weight score inside the pruner that composes it (as configs name them).
  let target: PrunerEntryTarget;
  try {
    target = resolvePrunerEntry(registry, id, {});
  } catch {
    throw new UsageError(`--criterion: ${registry.unknownMessage('pruner', id)}`);
  }
  type Schema = { properties?: Record<string, unknown>; required?: string[] } | undefined;
  const schema = registry.get('pruner', target.pruner.id).componentClass.optionsSchema as Schema;
  const own = target.criterion ? (registry.get(target.kind, id).componentClass.optionsSchema as Schema) : undefined;
  const takes = (key: string) => Boolean((schema?.properties && key in schema.properties) || (own?.properties && key in own.properties));
  if (given.plan !== undefined && !takes('plan')) {
    throw new UsageError(`--criterion ${id} takes no plan${takes('sparsity') ? ' (it prunes single weights): give --sparsity S, e.g. --sparsity 0.9' : ''}`);
  }
  if (given.sparsity !== undefined && !takes('sparsity')) {
    throw new UsageError(`--criterion ${id} takes no --sparsity${takes('plan') ? ' (it removes whole channels): give --plan, e.g. --plan uniform --ratio 0.5' : ''}`);
  }
  if (given.sparsity === undefined && schema?.required?.includes('sparsity')) {
    throw new UsageError(`--criterion ${id} prunes single weights: give --sparsity S, the fraction set to zero (e.g. --sparsity 0.9)`);
  }
  let prunerRef: ComponentRef;
  try {
    prunerRef = resolveComponentRef(registry, 'pruner', request.pruner, '');
  } catch (error) {
    throw flagError(`--criterion ${id}`, error);
  }
  try {
    // Constructing a structured pruner makes its plan: plan ids and options are checked here.
    const pruner = createComponent<Pruner>(runScope(container, { seed: request.seed, ledger }), registry, 'pruner', prunerRef.id, prunerRef.options);
    return { prunerRef, pruner };
  } catch (error) {
    throw flagError('--plan', error);
  }
}

/** Where `prune` reports as it goes: progress lines, and the pruning once checked (before fine-tuning). */
export interface PruneOutput {
  write: (text: string) => void;
  onPruned?: (report: PruningReport) => void;
}

/** Everything `prune` does, in order; returns pruning.json's content. */
export async function prune(request: PruneRequest, context: CommandContext, output: PruneOutput): Promise<PruningReport> {
  checkOutDir(request);
  const { registry, container } = context;
  const ledger = new RunLedger();
  const { prunerRef, pruner } = makePruner(request, context, ledger);
  const { structured, needsData } = pruner.requirements;
  if (structured && prunerRef.options.plan === undefined) {
    throw new UsageError(`--criterion ${prunerRef.id} removes channels and needs a plan: e.g. --plan uniform --ratio 0.5, or --plan pfec-a`);
  }
  if (needsData) request.dataset ??= request.configDataset;
  if (needsData && !request.dataset) {
    throw new UsageError(`--criterion ${prunerRef.id} scores channels on data: give --dataset ID (the data the model was trained on)`);
  }
  const schedule = request.finetune
    ? (() => {
        const ref = resolveComponentRef(registry, 'schedule', request.finetune.schedule, '--schedule');
        return { ref, instance: createComponent<Schedule>(container, registry, 'schedule', ref.id, ref.options) };
      })()
    : undefined;

  const selection = await selectBackend(request.backend);
  const source = request.modelJson;
  const original = await modelFromArtifacts(readModelArtifacts(source), source);
  let pruned: tfl.LayersModel | undefined;
  try {
    const unsupported = findUnsupportedLayers(original);
    if (unsupported.length) {
      throw new UnsupportedLayerError(
        `${source} cannot be pruned safely: the channel graph has no rule for ` +
          unsupported.map((u) => `layer "${u.layer}" (${u.className})`).join(', ') +
          `. Add a layer rule for ${[...new Set(unsupported.map((u) => u.className))].join(', ')} (see docs/writing-a-plugin.md) ` +
          'in a plugin and pass it with --config, or prune a model without these layers.',
      );
    }
    const data = await openDataset(request, context);
    if (data) checkDataFits(original, data.info, data.id);
    const before = countCost(original);
    const graph = buildChannelGraph(original);

    const result: PruneResult = await ledger.time('prune', () =>
      pruner.prune(original, createPruneContext({ dataset: pruner.requirements.needsData ? data?.dataset : undefined, seed: request.seed, ledger })),
    );
    if (structured ? !result.keptChannels : !result.masks) {
      if (result.model !== original) result.model.dispose();
      throw new PruneCheckError(
        `pruner "${prunerRef.id}" did not return ${structured ? 'the channels it kept (PruneResult.keptChannels)' : 'its weight masks (PruneResult.masks)'}, ` +
          'so its model cannot be checked against the original: nothing was saved. The pruner must report what it removed.',
      );
    }
    // What is checked, timed and fine-tuned is the model as saved: rebuilt from its own artifacts.
    const artifacts = await modelArtifacts(result.model);
    if (result.model !== original) result.model.dispose();
    pruned = await modelFromArtifacts(artifacts, 'the pruned model');
    const after = countCost(pruned, { masks: result.masks });

    const latency = await compareLatency(original, pruned, request.latency);
    const originalMetrics = data ? await evaluateSplits(original, data.dataset, data.info, ledger) : undefined;
    zeroPrunedParts(original, graph, result.keptChannels, result.masks);
    const check = compareOutputs(original, pruned, { tolerance: request.tolerance, seed: request.seed });
    if (!check.passed) {
      throw new PruneCheckError(
        `the pruned model's outputs differ from the original's with the pruned ${structured ? 'channels' : 'weights'} zeroed by ` +
          `${check.maxAbsError.toExponential(3)} (relative ${check.relativeError.toExponential(3)} > --tolerance ${request.tolerance}); ` +
          'nothing was saved. This is a pruning bug: please report it with the model.',
      );
    }

    const selected = result.keptChannels instanceof Map ? result.keptChannels : new Map(Object.entries(result.keptChannels ?? {}).map(([k, v]) => [Number(k), v]));
    const report: PruningReport = {
      format: 1,
      source,
      out: request.out,
      createdAt: new Date().toISOString(),
      pruner: { use: prunerRef.id, ...prunerRef.options },
      criterion: prunerRef.id,
      plan: prunerRef.options.plan ?? null,
      structured,
      seed: request.seed,
      groups: (result.groups ?? []).map((g) => ({
        ...g,
        keptChannels: [...(selected.get(g.group) ?? Array.from({ length: g.total }, (_, i) => i))],
      })),
      cost: {
        before: { params: before.params, macs: before.flops },
        after: { params: after.params, macs: after.flops, ...(result.masks ? { nonZeroParams: after.nonZeroParams } : {}) },
        reduction: {
          paramsPercent: percent(before.params, result.masks ? (after.nonZeroParams ?? after.params) : after.params),
          macsPercent: percent(before.flops, after.flops),
        },
      },
      check,
      latency,
      ...(result.masks ? { masks: { file: MASKS_BIN, weights: [...result.masks.keys()] } } : {}),
      ledger: ledger.toJSON(),
      versions: {
        prunebench: CORE_VERSION,
        cli: CLI_VERSION,
        tfjs: tf.version_core,
        tfjsLayers: tfl.version_layers,
        backend: selection.name,
        ...(selection.acceleratedKernels !== undefined ? { acceleratedWasmKernels: selection.acceleratedKernels } : {}),
        plugins: registry.listPlugins().map(({ plugin, source: from }) => ({ name: plugin.name, version: plugin.version, package: from.packageName })),
      },
    };
    output.onPruned?.(report);

    const tuned =
      request.finetune && data && schedule
        ? await finetune(pruned, {
            dataset: data.dataset,
            info: data.info,
            recipe: request.finetune.recipe,
            schedule: schedule.instance,
            epochs: request.finetune.epochs,
            masks: result.masks,
            seed: request.seed,
            ledger,
            label: `fine-tune ${componentLabel(prunerRef)} with ${componentLabel(schedule.ref)}, ${request.finetune.epochs} epoch(s)`,
            onEvent: createProgressPrinter({ write: output.write, isTTY: false, totalJobs: 1, alreadyDone: 0 }),
          })
        : undefined;
    if (data) {
      report.dataset = { use: data.id, ...data.options };
      report.accuracy = { original: originalMetrics!, pruned: tuned?.before ?? (await evaluateSplits(pruned, data.dataset, data.info, ledger)) };
    }
    if (tuned && request.finetune && schedule) {
      report.finetune = {
        schedule: { use: schedule.ref.id, ...schedule.ref.options },
        epochs: request.finetune.epochs,
        recipe: request.finetune.recipe,
        ...tuned,
      };
      if (tuned.status !== 'completed') {
        throw new PrunebenchError(`fine-tuning stopped: ${tuned.message}; nothing was saved. Try a lower learning rate (--original) or another --schedule.`);
      }
    }
    report.ledger = ledger.toJSON();

    const final = tuned ? await modelArtifacts(pruned) : artifacts;
    await writeDirAtomic(request.out, (dir) => {
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
