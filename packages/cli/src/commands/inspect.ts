import {
  UsageError,
  buildChannelGraph,
  countCost,
  createComponent,
  selectBackend,
  type ChannelGraph,
  type ModelClass,
  type ModelFactory,
} from '@prunebench/core';
import type { Command } from 'commander';
import { loadContext } from '../context';
import { formatTable, printJson, type Io } from '../io';

interface InspectOptions {
  model: string;
  input?: string;
  classes?: string;
  config?: string;
  json?: boolean;
}

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

const formatCount = (n: number) => n.toLocaleString('en-US');

/**
 * `prunebench inspect --model NAME [--input 32x32x3] [--classes 10] [--json]`: a model's layers
 * (output shape, params, FLOPs, pruning group) and totals, and its pruning groups.
 */
export function registerInspectCommand(program: Command, io: Io): void {
  program
    .command('inspect')
    .description("show a model's layers, params, FLOPs (multiply-accumulates) and pruning groups")
    .requiredOption('-m, --model <name>', 'model id, e.g. vgg16, resnet56, vgg-small')
    .option('--input <shape>', "input shape, e.g. 32x32x3 (default: the model's own)")
    .option('--classes <n>', "number of classes (default: the model's own, usually 10)")
    .option('-c, --config <file>', 'config file whose plugins to load as well (third-party models)')
    .option('--json', 'print one JSON document')
    .action(async (options: InspectOptions) => {
      const { registry, container } = await loadContext({ config: options.config });
      const modelClass = registry.get('model', options.model).componentClass as ModelClass;
      const inputShape = options.input ? parseShape(options.input) : [...(modelClass.defaultInputShape ?? [32, 32, 3])];
      const numClasses = options.classes ? parseClasses(options.classes) : (modelClass.defaultNumClasses ?? 10);
      await selectBackend('cpu');
      const factory = createComponent<ModelFactory>(container, registry, 'model', options.model, {});
      let model;
      try {
        model = factory.build({ inputShape, numClasses, seed: 0 });
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
        const layers = cost.layers.map((layer) => ({ ...layer, groups: outputGroups(graph, layer.name) }));
        const groups = graph.groups.map(({ members, ...group }) => ({ ...group, members }));
        if (options.json) {
          printJson(io, {
            model: options.model,
            input: inputShape,
            classes: numClasses,
            before: { params: cost.params, flops: cost.flops },
            layers,
            groups,
            convs: graph.convs,
          });
          return;
        }
        const prunable = new Set(graph.groups.filter((g) => g.prunable).map((g) => g.id));
        const groupLabel = (ids: number[]) => ids.map((id) => (prunable.has(id) ? `g${id}` : `(g${id})`)).join('+');
        io.out(`${options.model}: input ${inputShape.join('x')}, ${numClasses} classes\n\n`);
        io.out(
          formatTable(
            ['layer', 'class', 'output', 'params', 'FLOPs', 'group'],
            layers.map((l) => [
              l.name,
              l.className,
              l.outputShape.join('x'),
              l.params ? formatCount(l.params) : '',
              l.flops ? formatCount(l.flops) : '',
              groupLabel(l.groups),
            ]),
          ),
        );
        io.out(`\ntotal: ${formatCount(cost.params)} params, ${formatCount(cost.flops)} FLOPs (${cost.flops.toExponential(2)})\n`);
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
          ),
        );
      } finally {
        model.dispose();
      }
    });
}
