import { UsageError, buildChannelGraph, countCost, createComponent, createPruneContext, type ChannelGraph, RunLedger, type ModelClass, type ModelFactory, type PruneResult } from '@prunebench/core';
import { compressionRecord, describeCompression, loadModelFile, looksLikeModelFile, makePruner, nothingPrunedMessage, percentFewer as percent, selectBackend } from '@prunebench/harness';
import type { Command } from 'commander';
import { loadContext, type CommandContext } from '../context';
import { PRUNING_FLAGS, parseKeyValues, parsePlan, parseSeed, parseShape, wholeNumber } from '../flags';
import { formatTable, printJson, type Io } from '../io';
import { keptTable } from '../pruning-text';

interface InspectOptions {
  model: string;
  input?: string;
  classes?: string;
  config?: string;
  json?: boolean;
  plan?: string;
  ratio?: string;
  planOption: string[];
  criterion?: string;
  seed?: string;
}

/** The groups a layer's output channels belong to. */
function outputGroups(graph: ChannelGraph, layer: string): number[] {
  const entry = graph.layers.find((l) => l.layer === layer);
  return entry ? [...new Set(entry.output.segments.map((s) => s.group))] : [];
}

type LayersModel = ReturnType<ModelFactory['build']>;

const formatCount = (n: number) => n.toLocaleString('en-US');

/** The model to inspect: a saved model file, or a registered model built for --input and --classes. */
async function openModel(options: InspectOptions, { registry, container }: CommandContext): Promise<LayersModel> {
  if (!registry.has('model', options.model) && looksLikeModelFile(options.model)) {
    const given = (['input', 'classes'] as const).find((key) => options[key] !== undefined);
    if (given) throw new UsageError(`--${given} is for a model built by id: ${options.model} is a saved model, whose shapes are its own`);
    return loadModelFile(options.model);
  }
  const modelClass = registry.get('model', options.model).componentClass as ModelClass;
  const inputShape = options.input ? parseShape(options.input) : [...(modelClass.defaultInputShape ?? [32, 32, 3])];
  const numClasses = options.classes ? wholeNumber(options.classes, '--classes') : (modelClass.defaultNumClasses ?? 10);
  const factory = createComponent<ModelFactory>(container, registry, 'model', options.model, {});
  try {
    return factory.build({ inputShape, numClasses, seed: parseSeed(options.seed) });
  } catch (error) {
    throw new UsageError(`model "${options.model}" cannot be built for input ${inputShape.join('x')}: ${(error as Error).message}. Try another --input.`, { cause: error });
  }
}

/**
 * `prunebench inspect --model NAME [--input 32x32x3] [--classes 10] [--json]`: a model's layers
 * (output shape, params, MACs, pruning group) and totals, and its pruning groups.
 */
export function registerInspectCommand(program: Command, io: Io): void {
  program
    .command('inspect')
    .description("show a model's layers, params, MACs (multiply-accumulates) and pruning groups")
    .requiredOption('-m, --model <name|file>', 'model id (vgg16, resnet56, vgg-small, ...) or a saved TF.js layers model: model.json or its folder')
    .option('--input <shape>', "input shape, e.g. 32x32x3 (default: the model's own)")
    .option('--classes <n>', "number of classes (default: the model's own, usually 10)")
    .option('-c, --config <file>', 'config file whose plugins to load as well (third-party models)')
    .option('--plan <plan>', 'prune with this plan: an id (pfec-a, uniform, ...) or JSON {"use": id, ...options}')
    .option('--ratio <r>', "the plan's pruning ratio (for uniform and global)")
    .option('--plan-option <key=value>', 'another plan option, repeatable, e.g. layers=all to prune dense layers too', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--criterion <id>', 'structured criterion that picks the channels (default l1)')
    .option('--seed <n>', 'seed of the model and of random criteria (default 0)')
    .option('--json', 'print one JSON document')
    .action(async (options: InspectOptions) => {
      const context = await loadContext({ config: options.config });
      await selectBackend('cpu');
      const model = await openModel(options, context);
      const inputShape = model.inputs[0].shape.slice(1) as number[];
      const numClasses = model.outputs[0].shape[model.outputs[0].shape.length - 1] as number;
      try {
        const cost = countCost(model);
        const graph = buildChannelGraph(model);
        // `flops` (the same number as `macs`) is left out of the output; --json consumers read `macs` (see CHANGELOG).
        const layers = cost.layers.map((layer) => ({ ...layer, groups: outputGroups(graph, layer.name) }));
        const groups = graph.groups.map(({ members, ...group }) => ({ ...group, members }));
        const pruning = options.plan === undefined ? undefined : await prune(model);
        const after = pruning && countCost(pruning.model);
        pruning?.model.dispose();
        const afterBlock = after && {
          params: after.params,
          macs: after.macs,
          paramsReduction: percent(cost.params, after.params),
          macsReduction: percent(cost.macs, after.macs),
          compression: compressionRecord(typeof pruning.plan === 'string' ? undefined : { plan: pruning.plan }, cost, after),
        };
        if (options.json) {
          printJson(io, {
            model: options.model,
            input: inputShape,
            classes: numClasses,
            ...(pruning ? { plan: pruning.plan, criterion: pruning.criterion, seed: parseSeed(options.seed) } : {}),
            before: { params: cost.params, macs: cost.macs },
            ...(afterBlock ? { after: afterBlock } : {}),
            layers,
            groups,
            convs: graph.convs,
            ...(pruning ? { pruned: pruning.groups, ...(pruning.nothing ? { nothingPruned: pruning.nothing } : {}) } : {}),
          });
          return;
        }
        const prunable = new Set(graph.groups.filter((g) => g.prunable).map((g) => g.id));
        const groupLabel = (ids: number[]) => ids.map((id) => (prunable.has(id) ? `g${id}` : `(g${id})`)).join('+');
        io.out(`${options.model}: input ${inputShape.join('x')}, ${numClasses} classes\n\n`);
        io.out(
          formatTable(
            ['layer', 'class', 'output', 'params', 'MACs', 'group'],
            layers.map((l) => [
              l.name,
              l.className,
              l.outputShape.join('x'),
              l.params ? formatCount(l.params) : '',
              l.macs ? formatCount(l.macs) : '',
              groupLabel(l.groups),
            ]),
            io.columns,
          ),
        );
        io.out(`\ntotal: ${formatCount(cost.params)} params, ${formatCount(cost.macs)} MACs (${cost.macs.toExponential(2)})\n`);
        io.out(`\npruning groups (${prunable.size} of ${graph.groups.length} prunable; (gN) = not prunable)\n`);
        io.out(
          formatTable(
            ['group', 'channels', 'prunable', 'producers', 'convs', 'why not'],
            graph.groups.map((g) => [
              `g${g.id}`,
              String(g.channels),
              g.prunable ? 'yes' : 'no',
              g.producers.join(', ') || '-',
              g.convIndices.join(', '),
              g.reasons.join('; '),
            ]),
            io.columns,
          ),
        );
        if (pruning && afterBlock) {
          io.out(`\npruned with plan ${JSON.stringify(pruning.plan)} and criterion "${pruning.criterion}" (seed ${parseSeed(options.seed)})\n`);
          io.out(keptTable(pruning.groups, io.columns));
          io.out(
            `\nafter: ${formatCount(afterBlock.params)} params (−${afterBlock.paramsReduction}%), ` +
              `${formatCount(afterBlock.macs)} MACs (−${afterBlock.macsReduction}%)\n`,
          );
          if (afterBlock.compression.target) io.out(`${describeCompression(afterBlock.compression)}\n`);
          if (pruning.nothing) io.out(`note: ${pruning.nothing}\n`);
        }
      } finally {
        model.dispose();
      }

      /** Prunes with the structured criterion and plan asked for (data-free criteria only: inspect has no data). */
      async function prune(original: LayersModel) {
        const criterion = options.criterion ?? 'l1';
        const plan = parsePlan(options.plan!, options.ratio, parseKeyValues(options.planOption, '--plan-option'));
        const ledger = new RunLedger();
        const seed = parseSeed(options.seed);
        const { ref, pruner } = makePruner(context, { use: criterion, plan }, { seed, ledger }, PRUNING_FLAGS);
        if (!pruner.requirements.structured) {
          throw new UsageError(`--criterion ${criterion} is a weight-level pruner: inspect --plan needs a structured criterion (l1, l2, random, fpgm, bn-scale)`);
        }
        if (pruner.requirements.needsData) {
          throw new UsageError(`--criterion ${criterion} needs calibration data, which inspect does not have: use l1, l2, random, fpgm or bn-scale`);
        }
        const result: PruneResult = await pruner.prune(original, createPruneContext({ seed, ledger }));
        const groups = result.groups ?? [];
        // A plan that keeps everything is shown, with what would prune (as `prune` would refuse it).
        const nothing = groups.every((g) => g.kept === g.total) ? nothingPrunedMessage(context.registry, ref, original, PRUNING_FLAGS) : undefined;
        return { model: result.model, groups, plan, criterion, nothing };
      }
    });
}
