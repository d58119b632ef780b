import { UsageError, buildChannelGraph, countCost, createComponent, createPruneContext, runScope, type ChannelGraph, RunLedger, type ModelClass, type ModelFactory, type PruneResult, type Pruner } from '@prunebench/core';
import { compressionRecord, describeCompression, selectBackend } from '@prunebench/harness';
import type { Command } from 'commander';
import { loadContext } from '../context';
import { formatTable, printJson, type Io } from '../io';

interface InspectOptions {
  model: string;
  input?: string;
  classes?: string;
  config?: string;
  json?: boolean;
  plan?: string;
  ratio?: string;
  criterion?: string;
  seed?: string;
}

/** `--plan pfec-a`, `--plan uniform --ratio 0.5`, or `--plan '{"use":"global","ratio":0.4}'`. */
export function parsePlan(plan: string, ratio?: string): string | Record<string, unknown> {
  let entry: string | Record<string, unknown> = plan;
  if (plan.trim().startsWith('{')) {
    try {
      entry = JSON.parse(plan);
    } catch (error) {
      throw new UsageError(`--plan: not valid JSON (${(error as Error).message}); give a plan id or {"use": id, ...options}`);
    }
  }
  if (ratio === undefined) return entry;
  const value = Number(ratio);
  if (!Number.isFinite(value) || value < 0 || value >= 1) throw new UsageError(`--ratio: expected a number in [0, 1), got "${ratio}"`);
  return typeof entry === 'string' ? { use: entry, ratio: value } : { ...entry, ratio: value };
}

export function parseSeed(text: string | undefined): number {
  if (text === undefined) return 0;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`--seed: expected a whole number ≥ 0, got "${text}"`);
  return value;
}

const percent = (before: number, after: number) => Number(((100 * (before - after)) / before).toFixed(2));

/** `32x32x3` → [32, 32, 3]. */
export function parseShape(text: string): number[] {
  const dims = text.split(/[x×,]/i).map((d) => Number(d.trim()));
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new UsageError(`--input: expected a shape like 32x32x3 (positive integers joined by "x"), got "${text}"`);
  }
  return dims;
}

function parseClasses(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--classes: expected a positive integer, got "${text}"`);
  return value;
}

/** The groups a layer's output channels belong to. */
function outputGroups(graph: ChannelGraph, layer: string): number[] {
  const entry = graph.layers.find((l) => l.layer === layer);
  return entry ? [...new Set(entry.output.segments.map((s) => s.group))] : [];
}

type LayersModel = ReturnType<ModelFactory['build']>;

const formatCount = (n: number) => n.toLocaleString('en-US');

/**
 * `prunebench inspect --model NAME [--input 32x32x3] [--classes 10] [--json]`: a model's layers
 * (output shape, params, MACs, pruning group) and totals, and its pruning groups.
 */
export function registerInspectCommand(program: Command, io: Io): void {
  program
    .command('inspect')
    .description("show a model's layers, params, MACs (multiply-accumulates) and pruning groups")
    .requiredOption('-m, --model <name>', 'model id, e.g. vgg16, resnet56, vgg-small')
    .option('--input <shape>', "input shape, e.g. 32x32x3 (default: the model's own)")
    .option('--classes <n>', "number of classes (default: the model's own, usually 10)")
    .option('-c, --config <file>', 'config file whose plugins to load as well (third-party models)')
    .option('--plan <plan>', 'prune with this plan: an id (pfec-a, uniform, ...) or JSON {"use": id, ...options}')
    .option('--ratio <r>', "the plan's pruning ratio (for uniform and global)")
    .option('--criterion <id>', 'structured criterion that picks the channels (default l1)')
    .option('--seed <n>', 'seed of the model and of random criteria (default 0)')
    .option('--json', 'print one JSON document')
    .action(async (options: InspectOptions) => {
      const { registry, container } = await loadContext({ config: options.config });
      const modelClass = registry.get('model', options.model).componentClass as ModelClass;
      const inputShape = options.input ? parseShape(options.input) : [...(modelClass.defaultInputShape ?? [32, 32, 3])];
      const numClasses = options.classes ? parseClasses(options.classes) : (modelClass.defaultNumClasses ?? 10);
      await selectBackend('cpu');
      const factory = createComponent<ModelFactory>(container, registry, 'model', options.model, {});
      let model: LayersModel;
      try {
        model = factory.build({ inputShape, numClasses, seed: parseSeed(options.seed) });
      } catch (error) {
        throw new UsageError(
          `model "${options.model}" cannot be built for input ${inputShape.join('x')}: ${(error as Error).message}. ` +
            'Try another --input.',
          { cause: error },
        );
      }
      try {
        const cost = countCost(model);
        const graph = buildChannelGraph(model);
        // `flops` (the same number as `macs`) is left out of the output; --json consumers read `macs` (see CHANGELOG).
        const layers = cost.layers.map(({ flops: _deprecated, ...layer }) => ({ ...layer, groups: outputGroups(graph, layer.name) }));
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
            ...(pruning ? { pruned: pruning.groups } : {}),
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
          io.out(
            formatTable(
              ['group', 'layers', 'convs', 'kept / total'],
              pruning.groups.map((g) => [`g${g.group}`, g.layers.join(', '), g.convIndices.join(', '), `${g.kept} / ${g.total}`]),
              io.columns,
            ),
          );
          io.out(
            `\nafter: ${formatCount(afterBlock.params)} params (−${afterBlock.paramsReduction}%), ` +
              `${formatCount(afterBlock.macs)} MACs (−${afterBlock.macsReduction}%)\n`,
          );
          if (afterBlock.compression.target) io.out(`${describeCompression(afterBlock.compression)}\n`);
        }
      } finally {
        model.dispose();
      }

      /** Prunes with the structured criterion and plan asked for (data-free criteria only: inspect has no data). */
      async function prune(original: LayersModel) {
        const criterion = options.criterion ?? 'l1';
        const plan = parsePlan(options.plan!, options.ratio);
        const ledger = new RunLedger();
        const seed = parseSeed(options.seed);
        const pruner = createComponent<Pruner>(runScope(container, { seed, ledger }), registry, 'pruner', criterion, { plan });
        if (!pruner.requirements.structured) {
          throw new UsageError(`--criterion ${criterion} is a weight-level pruner: inspect --plan needs a structured criterion (l1, l2, random, fpgm, bn-scale)`);
        }
        if (pruner.requirements.needsData) {
          throw new UsageError(`--criterion ${criterion} needs calibration data, which inspect does not have: use l1, l2, random, fpgm or bn-scale`);
        }
        const result: PruneResult = await pruner.prune(original, createPruneContext({ seed, ledger }));
        return { model: result.model, groups: result.groups ?? [], plan, criterion };
      }
    });
}
