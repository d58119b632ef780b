import { BACKEND_NAMES, createProgressPrinter, pruneModel } from '@prunebench/harness';
import type { Command } from 'commander';
import { loadContext } from '../context';
import { printJson, type Io } from '../io';
import { parsePruneFlags, type PruneFlags } from './prune-options';
import { describeOutcome, describePruning } from '../pruning-text';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CLI_VERSION: string = require('../../package.json').version;

/**
 * `prunebench prune MODEL --criterion l1 --plan uniform --ratio 0.5 [--finetune --dataset ID
 * --epochs E] [--out DIR] [--dry-run] [--json]`: the harness's pruneModel, with flags and printing.
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
    .option('--plan-option <key=value>', 'another plan option, repeatable (value: JSON or a plain string), e.g. layers=all to prune dense layers too', collect, [] as string[])
    .option('--sparsity <s>', 'weight-level criteria: fraction of the conv weights set to zero')
    .option('--criterion-option <key=value>', "another of the criterion's options, repeatable", collect, [] as string[])
    .option('--seed <n>', 'seed of random criteria, the check batch and fine-tuning (default 0)')
    .option('-o, --out <dir>', 'where to save the pruned model (default: <model folder>-pruned)')
    .option('-b, --backend <name>', `tfjs backend: ${BACKEND_NAMES.join(', ')} (default: the config's, else auto)`)
    .option('-c, --config <file>', 'config whose plugins (custom layers, criteria), dataset and original recipe to use')
    .option('--tolerance <t>', 'largest accepted output error of the pruned model, relative to max(1, largest output)', '1e-4')
    .option('--finetune', 'retrain the pruned model with a retraining schedule before saving it')
    .option('--dataset <id>', 'the data (fine-tuning, data-driven criteria): an id or JSON, e.g. {"use": "csv", "path": "train.csv"} (default: the config\'s)')
    .option('--schedule <id>', 'the retraining schedule: an id or JSON {"use": id, ...options}', 'clr')
    .option('--epochs <E>', "fine-tuning budget in epochs (default: the config's first budget)")
    .option('--batch-size <B>', "fine-tuning batch size (default: the original recipe's)")
    .option('--original <preset|file>', "the original recipe the schedule derives from: cifar, imagenet or a JSON file (default: the config's \"original\", else cifar)")
    .option('--latency-runs <n>', 'timed forward passes per model and batch size, after 3 warm-up runs (fewer, but at least 5, past 10 s)', '20')
    .option('--throughput-batch <n>', 'the larger batch size latency is measured at (besides 1)', '64')
    .option('--dry-run', 'prune, count and check only: the groups, what the plan keeps, params and MACs after; nothing timed, tuned or saved')
    .option('--json', 'print pruning.json (one JSON document) on stdout; progress goes to stderr')
    .action(async (model: string, flags: PruneFlags) => {
      const context = await loadContext({ config: flags.config });
      const options = parsePruneFlags(model, flags, context);
      const write = flags.json ? io.err : io.out;
      const report = await pruneModel({
        ...options,
        versions: { cli: CLI_VERSION },
        onEvent: createProgressPrinter({ write, isTTY: false, totalJobs: 1, alreadyDone: 0 }),
        onPruned: flags.json ? undefined : (pruned) => io.out(describePruning(pruned) + (options.finetune ? '\n' : '')),
      });
      if (flags.json) printJson(io, report);
      else io.out(describeOutcome(report));
    });
}
