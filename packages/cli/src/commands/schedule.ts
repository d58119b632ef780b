import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, createComponent, didYouMean, originalPreset, type Budget, type OriginalRecipe, type Schedule, type StepHyperparameters } from '@prunebench/core';
import { describeOriginalSchedule, readOriginalSchedule, resolveOriginalSchedule } from '@prunebench/core/config';
import { lineChartSvg, plural, scheduleColours } from '@prunebench/harness';
import type { Command } from 'commander';
import { loadContext, type CommandContext } from '../context';
import { parseOptionValue, wholeNumber } from '../flags';
import { formatTable, printJson, type Io } from '../io';

interface ScheduleCommandOptions {
  epochs: string;
  stepsPerEpoch: string;
  original?: string;
  option: string[];
  json?: boolean;
  svg?: string;
  linear?: boolean;
  config?: string;
}

/** One step of `--json` output. */
export interface ScheduleStepRow {
  step: number;
  epoch: number;
  lr: number;
  momentum: number;
}

/** More changes than this and the table is sampled instead (CLR, cosine: every step changes). */
const MAX_CHANGE_ROWS = 24;

/**
 * `prunebench schedule NAME... --epochs E --steps-per-epoch S [--original PRESET|FILE]
 * [--option KEY=VALUE]... [--json] [--svg FILE]`: the LR and momentum of every step of a
 * retraining schedule (or several), derived from the original schedule.
 */
export function registerScheduleCommand(program: Command, io: Io): void {
  program
    .command('schedule')
    .description('print the LR and momentum of every optimizer step of one or more schedules (e.g. ft lrw slr clr), or plot them')
    .argument('<names...>', 'schedule ids, e.g. "clr", or "ft lrw slr clr" (also comma-separated)')
    .requiredOption('-e, --epochs <E>', 'retraining budget in epochs')
    .requiredOption('-s, --steps-per-epoch <S>', 'optimizer steps per epoch')
    .option('--original <preset|file>', 'the original schedule: "cifar", "imagenet" or a JSON file (default: the config\'s "original", else cifar)')
    .option(
      '-o, --option <key=value>',
      'a schedule option, repeatable; the value is JSON or a plain string (cycleMomentum=false, milestones=[10,20], schedule=cosine); ' +
        'with several schedules prefix the id (clr.pctStart=0.3) or it applies to all',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--json', 'print every step as JSON: [{ step, epoch, lr, momentum }, ...] (an object by id for several schedules)')
    .option('--svg <file>', 'also write a plot of LR against epoch (all the schedules on one chart) to this SVG file')
    .option('--linear', 'plot the LR on a linear axis (default: logarithmic)')
    .option('-c, --config <file>', 'config file whose plugins (and "original") to use')
    .action(async (rawNames: string[], options: ScheduleCommandOptions) => {
      const names = rawNames.flatMap((n) => n.split(',')).map((n) => n.trim()).filter(Boolean);
      const budget: Budget = {
        epochs: wholeNumber(options.epochs, '--epochs'),
        stepsPerEpoch: wholeNumber(options.stepsPerEpoch, '--steps-per-epoch'),
      };
      const context = await loadContext({ config: options.config });
      const original = originalScheduleFor(options.original, context);
      const optionsByName = scheduleOptions(options.option, names);
      const computed = names.map((name) => {
        const schedule = createComponent<Schedule>(context.container, context.registry, 'schedule', name, optionsByName.get(name));
        return { name, steps: schedule.compute(original, budget) };
      });

      if (options.svg) {
        const file = path.resolve(options.svg);
        fs.writeFileSync(file, await scheduleChartSvg(computed, budget, original, { logY: !options.linear }));
        if (options.json) io.err(`wrote ${file}\n`);
        else io.out(`wrote ${file}\n`);
      }
      if (options.json) {
        const rows = computed.map(({ steps }) => stepRows(steps, budget));
        printJson(io, rows.length === 1 ? rows[0] : Object.fromEntries(computed.map(({ name }, i) => [name, rows[i]])));
        return;
      }
      computed.forEach(({ name, steps }, i) => {
        if (i > 0) io.out('\n');
        io.out(describeSteps(name, steps, budget, original));
      });
    });
}

function originalScheduleFor(given: string | undefined, context: CommandContext): OriginalRecipe {
  if (given) return readOriginalSchedule(given);
  const fromConfig = context.loaded?.config.original;
  if (fromConfig) return resolveOriginalSchedule(fromConfig, 'original', context.loaded!.filepath);
  return originalPreset('cifar');
}

/** `--option` values, by schedule id. `id.key=value` targets one schedule; `key=value` all. */
function scheduleOptions(pairs: string[], names: string[]): Map<string, Record<string, unknown>> {
  const byName = new Map(names.map((name) => [name, {} as Record<string, unknown>]));
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals < 1) throw new UsageError(`--option "${pair}" must look like key=value (e.g. cycleMomentum=false)`);
    let key = pair.slice(0, equals).trim();
    const value = parseOptionValue(pair.slice(equals + 1));
    let targets = names;
    const dot = key.indexOf('.');
    if (dot > 0) {
      const prefix = key.slice(0, dot);
      if (!byName.has(prefix)) {
        throw new UsageError(`--option "${pair}": "${prefix}" is not one of the schedules named here (${names.join(', ')})${didYouMean(prefix, names)}`);
      }
      targets = [prefix];
      key = key.slice(dot + 1);
    }
    for (const name of targets) byName.get(name)![key] = value;
  }
  return byName;
}

/**
 * 12 significant digits: drops the float noise of products like 0.1 × 0.01 (0.0010000000000000002
 * → 0.001) and keeps every digit a schedule means (float32 weights see ~7).
 */
export function withoutFloatNoise(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}

function stepRows(steps: StepHyperparameters[], budget: Budget): ScheduleStepRow[] {
  return steps.map(({ lr, momentum }, step) => ({
    step,
    epoch: Math.floor(step / budget.stepsPerEpoch),
    lr: withoutFloatNoise(lr),
    momentum: momentum === undefined ? momentum : withoutFloatNoise(momentum),
  }));
}

/** Six significant digits, without float noise (0.0010000000000000009 → 0.001). */
function formatValue(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/**
 * The table of where the LR or momentum changes; when it changes at nearly every step (CLR,
 * cosine), a sample instead: the start, points through the rise, the peak, points through
 * the decay, and the last step.
 */
function describeSteps(name: string, steps: StepHyperparameters[], budget: Budget, original: OriginalRecipe): string {
  const total = steps.length;
  const header =
    `${name}: ${plural(budget.epochs, 'epoch')} × ${budget.stepsPerEpoch} steps = ${total} steps ` +
    `(original: ${describeOriginalSchedule(original)})\n`;
  const changes = steps.flatMap((s, t) => (t === 0 || s.lr !== steps[t - 1].lr || s.momentum !== steps[t - 1].momentum ? [t] : []));
  let note: string;
  let indices: number[];
  if (changes.length <= MAX_CHANGE_ROWS) {
    note = 'each row holds until the next; last step ' + `${total - 1} (epoch ${budget.epochs - 1})\n`;
    indices = changes;
  } else {
    note = `the LR changes at ${changes.length} of ${total} steps; sampled: start, rise, peak, decay, last step\n`;
    indices = sampleIndices(steps);
  }
  const rows = indices.map((t) => [String(t), String(Math.floor(t / budget.stepsPerEpoch)), formatValue(steps[t].lr), formatValue(steps[t].momentum)]);
  return header + note + formatTable(['step', 'epoch', 'lr', 'momentum'], rows);
}

function sampleIndices(steps: StepHyperparameters[]): number[] {
  const last = steps.length - 1;
  const peak = steps.reduce((best, s, t) => (s.lr > steps[best].lr ? t : best), 0);
  const between = (from: number, to: number, count: number) =>
    Array.from({ length: count }, (_, i) => Math.round(from + ((to - from) * (i + 1)) / (count + 1)));
  return [...new Set([0, ...between(0, peak, 4), peak, ...between(peak, last, 8), last])].sort((a, b) => a - b);
}

/**
 * LR against epoch (step t at t / S) for each schedule, on one chart: the study's Figure 1
 * when the schedules are ft, lrw, slr and clr.
 */
export async function scheduleChartSvg(
  computed: Array<{ name: string; steps: StepHyperparameters[] }>,
  budget: Budget,
  original: OriginalRecipe,
  options: { logY?: boolean } = {},
): Promise<string> {
  return lineChartSvg(
    computed.map(({ name, steps }) => ({
      name,
      x: steps.map((_, t) => t / budget.stepsPerEpoch),
      y: steps.map((s) => s.lr),
    })),
    {
      title: `Retraining schedules, ${plural(budget.epochs, 'epoch')} × ${budget.stepsPerEpoch} steps (original: ${plural(original.epochs, 'epoch')}, lr ${original.lr})`,
      xTitle: 'epoch',
      yTitle: 'learning rate',
      logY: options.logY ?? true,
      // The report's colour for each schedule (one colour per schedule in every chart).
      colours: scheduleColours(computed.map((c) => c.name)),
    },
  );
}
