import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, ConfigErrors, didYouMean, setupPlugins, UsageError, type ComponentKind, type Registry } from '@prunebench/core';
import type { Command } from 'commander';
import { builtinPlugins } from '../builtins';
import { wholeNumberList } from '../flags';
import type { Io } from '../io';

interface InitOptions {
  dataset: string;
  model: string;
  pruners: string;
  schedules: string;
  budgets: string;
  seeds: string;
  file: string;
  force?: boolean;
}

const list = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);

/** The id, checked against what the registry holds of these kinds; unknown ids name the closest. */
function known(registry: Registry, kinds: ComponentKind[], id: string, option: string): ComponentKind {
  const kind = kinds.find((k) => registry.has(k, id));
  if (kind) return kind;
  const ids = kinds.flatMap((k) => registry.list(k).map((c) => c.id));
  throw new UsageError(`${option}: unknown id "${id}"${didYouMean(id, ids)} (known: ${ids.join(', ')})`);
}

/** One pruner entry as YAML lines, by what the id is: a criterion composes with a plan, a weight score takes a sparsity. */
function prunerLines(id: string, kind: ComponentKind): string[] {
  if (kind === 'criterion') return [`  - use: ${id}`, '    plan: { use: uniform, ratio: 0.5 }   # half the channels of every prunable layer (plans: uniform, per-layer, global, pfec-a … pfec-d)'];
  if (kind === 'weight-score') return [`  - use: ${id}`, '    sparsity: 0.5                       # half the weights, masked (a weight-level pruner)'];
  return [`  - use: ${id}`];
}

/** What `prunebench init` writes: a YAML config with a comment on every key. */
export function initConfigText(options: { dataset: string; model: string; pruners: Array<{ id: string; kind: ComponentKind }>; schedules: string[]; budgets: number[]; seeds: number[]; out: string }): string {
  return [
    '# yaml-language-server: $schema=./node_modules/@prunebench/cli/config.schema.json',
    '# A prunebench study, written by `prunebench init`. Check it with `npx prunebench run --dry-run`',
    '# (every run and the estimated time), run it with `npx prunebench run`. The keys: README.md, "Config files".',
    '$schema: ./node_modules/@prunebench/cli/config.schema.json',
    '',
    '# The data: embedded fashion-mnist / mnist need no download; cifar10, cifar100, imagefolder take a `path`.',
    `dataset: { use: ${options.dataset}, trainSize: 10000 }`,
    '',
    '# The network every method prunes (`prunebench inspect --model ID` shows its layers and groups).',
    `model: ${options.model}`,
    '',
    '# How the original is trained (once per seed); retraining inherits its batch, momentum and weight decay.',
    '# Or a preset: `original: cifar` (the study\'s CIFAR recipe), `original: imagenet`.',
    'original: { epochs: 10, batchSize: 64, lr: 0.1, milestones: [5, 8], gamma: 0.1, momentum: 0.9, weightDecay: 0.0005 }',
    '',
    '# The methods compared: each prunes every original once per seed.',
    'pruners:',
    ...options.pruners.flatMap((p) => prunerLines(p.id, p.kind)),
    '',
    '# How the pruned networks are retrained, each at every budget: ft, lrw, slr, clr (docs/spec/schedules.md), ...',
    `schedules: [${options.schedules.join(', ')}]`,
    '',
    '# Retraining budgets in epochs: every method gets exactly the same optimizer steps at a budget (audited).',
    `budgets: [${options.budgets.join(', ')}]`,
    '',
    '# Seeds: two or more, so the report can show a spread and test differences.',
    `seeds: [${options.seeds.join(', ')}]`,
    '',
    '# Baselines: random (a random pruner under the same plan), pruned (accuracy before retraining), scratch-e, scratch-b.',
    'baselines: [pruned]',
    '',
    '# Where the results go (relative to this file); give every study its own folder.',
    `out: ${options.out}`,
    '',
  ].join('\n');
}

/**
 * `prunebench init [--dataset ID] [--model ID] [--pruners IDS] [--schedules IDS] [--budgets E,...]
 * [--seeds S,...] [--file FILE] [--force]`: writes a commented starting config for the dataset,
 * model and methods named (each checked against the registry), valid as written.
 */
export function registerInitCommand(program: Command, io: Io): void {
  program
    .command('init')
    .description('write a commented starting config (prunebench.config.yaml) for the dataset, model and methods you name')
    .option('-d, --dataset <id>', 'dataset id', 'fashion-mnist')
    .option('-m, --model <id>', 'model id', 'vgg-small')
    .option('-p, --pruners <ids>', 'criteria or pruners, comma-separated', 'l1,random')
    .option('-s, --schedules <ids>', 'retraining schedules, comma-separated', 'ft,lrw,slr,clr')
    .option('-b, --budgets <epochs>', 'retraining budgets in epochs, comma-separated', '2,4')
    .option('--seeds <seeds>', 'seeds, comma-separated', '0,1,2')
    .option('-f, --file <file>', 'where to write the config', 'prunebench.config.yaml')
    .option('--force', 'overwrite the file if it exists')
    .action(async (options: InitOptions) => {
      const file = path.resolve(options.file);
      if (!/\.ya?ml$/i.test(file)) throw new UsageError(`--file: the config is YAML (it carries comments): give a .yaml or .yml file name (got "${options.file}")`);
      if (fs.existsSync(file) && !options.force) throw new UsageError(`${options.file} exists: give --force to overwrite it, or another --file`);
      // The built-in plugins only: a config found here (perhaps the one being replaced) is not read.
      const { registry } = await setupPlugins({ builtins: builtinPlugins(), config: null });
      known(registry, ['dataset'], options.dataset, '--dataset');
      known(registry, ['model'], options.model, '--model');
      const pruners = list(options.pruners).map((id) => ({ id, kind: known(registry, ['criterion', 'weight-score', 'pruner'], id, '--pruners') }));
      const schedules = list(options.schedules);
      for (const id of schedules) known(registry, ['schedule'], id, '--schedules');
      if (!pruners.length || !schedules.length) throw new ConfigErrors([new ConfigError(pruners.length ? 'schedules' : 'pruners', 'name at least one')]);
      const text = initConfigText({
        dataset: options.dataset,
        model: options.model,
        pruners,
        schedules,
        budgets: wholeNumberList(options.budgets, '--budgets', 1),
        seeds: wholeNumberList(options.seeds, '--seeds', 0),
        out: `results/${options.model}-${options.dataset}`,
      });
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      io.out(`${path.relative(process.cwd(), file) || file}\n`);
      io.err(`prunebench: wrote a starting config; next: \`npx prunebench run --dry-run${options.file === 'prunebench.config.yaml' ? '' : ` --config ${options.file}`}\`\n`);
    });
}
