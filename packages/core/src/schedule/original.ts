import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import type { OriginalRecipe } from '../interfaces/schedule';
import { ConfigError, ConfigErrors, UsageError } from '../errors';
import { schemaErrors } from '../config/validate';
import { closestName } from '../util/did-you-mean';
import { ORIGINAL_PRESETS, ORIGINAL_PRESET_NAMES, type OriginalPresetName } from './presets';
import { originalScheduleSchema } from './original-schema';

/** SGD momentum assumed when an original schedule does not state one. */
export const DEFAULT_MOMENTUM = 0.9;

export { ORIGINAL_PRESETS, ORIGINAL_PRESET_NAMES, type OriginalPresetName } from './presets';
export { originalScheduleSchema } from './original-schema';

/** An original schedule as a config or JSON file writes it: a preset and/or explicit fields. */
export type OriginalScheduleInput = Partial<OriginalRecipe> & {
  preset?: string;
  /** Config-only key (a trained model to start from); not part of the schedule, ignored here. */
  checkpoint?: string;
  /** Config-only key (the harness's divergence bound); not part of the schedule, ignored here. */
  divergence?: number;
  /** Config-only key (the recipe's batching), ignored here. */
  dropLast?: boolean;
};

// verbose: schemaErrors reads parentSchema to suggest the closest known key.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateShape = ajv.compile(originalScheduleSchema);

/** A copy of a preset (mutable, so callers can override fields). */
export function originalPreset(name: string): OriginalRecipe {
  if (!(name in ORIGINAL_PRESETS)) {
    throw new UsageError(`unknown original-schedule preset "${name}"${suggest(name)} (presets: ${ORIGINAL_PRESET_NAMES.join(', ')})`);
  }
  const preset = ORIGINAL_PRESETS[name as OriginalPresetName];
  const copy: OriginalRecipe = { ...preset, milestones: [...preset.milestones] };
  if ('slrMilestoneFractions' in preset) copy.slrMilestoneFractions = [...preset.slrMilestoneFractions];
  return copy;
}

/**
 * Turns a description (a preset name, or `{ preset?, ...fields }` where fields override the
 * preset) into a checked OriginalRecipe. Without a preset, `epochs`, `lr`, `milestones`
 * and `gamma` are required. Throws ConfigErrors naming each bad key as `keyPath.key`.
 */
export function resolveOriginalSchedule(
  input: string | OriginalScheduleInput,
  keyPath = 'original',
  file?: string,
): OriginalRecipe {
  if (typeof input === 'string') return validateOriginalSchedule(originalPreset(input), keyPath, file);
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigErrors([new ConfigError(keyPath, `must be a preset name (${ORIGINAL_PRESET_NAMES.join(', ')}) or an object`, file)]);
  }
  if (!validateShape(input)) throw new ConfigErrors(schemaErrors(validateShape.errors ?? [], input, keyPath, file));
  const { preset, checkpoint: _checkpoint, divergence: _divergence, dropLast: _dropLast, ...fields } = input;
  const base: Partial<OriginalRecipe> = preset ? originalPreset(preset) : {};
  // A preset's fixed SLR fractions belong to its own length and milestones: a recipe that changes either scales its own.
  if ((fields.epochs !== undefined || fields.milestones !== undefined) && fields.slrMilestoneFractions === undefined) delete base.slrMilestoneFractions;
  return validateOriginalSchedule({ ...base, ...fields }, keyPath, file);
}

/**
 * Checks a complete original schedule: types and ranges, and that the milestones are
 * increasing and inside the training (0 < m < epochs), and the warm-up ends before the
 * first milestone. Returns a normalised copy; throws ConfigErrors listing every problem.
 */
export function validateOriginalSchedule(value: Partial<OriginalRecipe>, keyPath = 'original', file?: string): OriginalRecipe {
  if (!validateShape(value)) throw new ConfigErrors(schemaErrors(validateShape.errors ?? [], value, keyPath, file));
  const problems: ConfigError[] = [];
  const at = (key: string) => (keyPath ? `${keyPath}.${key}` : key);
  for (const key of ['epochs', 'lr', 'milestones', 'gamma'] as const) {
    if (value[key] === undefined) {
      problems.push(new ConfigError(at(key), `is required (or start from a preset: "preset": "cifar" or "imagenet")`, file));
    }
  }
  if (problems.length) throw new ConfigErrors(problems);
  const original = value as OriginalRecipe;
  original.milestones.forEach((m, i) => {
    if (m >= original.epochs) {
      problems.push(new ConfigError(`${at('milestones')}[${i}]`, `${m} is not inside the ${original.epochs}-epoch training (milestones must be < epochs)`, file));
    }
    if (i > 0 && m <= original.milestones[i - 1]) {
      problems.push(new ConfigError(`${at('milestones')}[${i}]`, `milestones must increase (${original.milestones[i - 1]} then ${m})`, file));
    }
  });
  const warmup = original.warmupEpochs ?? 0;
  const firstMilestone = original.milestones[0] ?? original.epochs;
  if (warmup > firstMilestone || warmup >= original.epochs) {
    problems.push(new ConfigError(at('warmupEpochs'), `${warmup} must end before the first LR drop (epoch ${firstMilestone}) and the end of training`, file));
  }
  if (problems.length) throw new ConfigErrors(problems);
  return { ...original, milestones: [...original.milestones] };
}

/**
 * Reads an original schedule from a preset name (`cifar`, `imagenet`) or a JSON file holding
 * `{ preset?, epochs, lr, milestones, gamma, ... }` (a relative path is taken from `cwd`).
 */
export function readOriginalSchedule(presetOrFile: string, cwd = process.cwd()): OriginalRecipe {
  if (presetOrFile in ORIGINAL_PRESETS) return resolveOriginalSchedule(presetOrFile);
  const file = path.resolve(cwd, presetOrFile);
  if (!fs.existsSync(file)) {
    throw new UsageError(
      `"${presetOrFile}" is neither an original-schedule preset${suggest(presetOrFile)} (presets: ${ORIGINAL_PRESET_NAMES.join(', ')}) ` +
        `nor a JSON file (looked for ${file})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigErrors([new ConfigError('', `is not valid JSON: ${(error as Error).message}`, file)]);
  }
  return resolveOriginalSchedule(parsed as OriginalScheduleInput, '', file);
}

/**
 * The original schedule's learning rate during `epoch` (0-based; fractional epochs allowed).
 * Warm-up: epoch e < W uses lr·(e+1)/(W+1), a linear ramp that never reaches 0 or lr early.
 * Then lr·gamma^k, k = the number of milestones m with m <= epoch. Past the end it keeps the
 * last LR.
 */
export function originalLrAt(original: OriginalRecipe, epoch: number): number {
  if (!(epoch >= 0)) throw new RangeError(`originalLrAt: epoch must be >= 0 (got ${epoch})`);
  const warmup = original.warmupEpochs ?? 0;
  if (epoch < warmup) return (original.lr * (epoch + 1)) / (warmup + 1);
  let lr = original.lr;
  for (const milestone of original.milestones) if (epoch >= milestone) lr *= original.gamma;
  return lr;
}

/** The learning rates a derived schedule takes from the original (docs/spec/schedules.md). */
export interface OriginalLrSummary {
  /** The base LR (`lr`): the first LR after any warm-up. SLR's peak. */
  base: number;
  /** The LR of epoch 0 (the base LR unless there is a warm-up). */
  first: number;
  /** The LR of the last epoch. FT's LR; SLR's and CLR's start. */
  last: number;
  /** The largest LR of any epoch. CLR's `max_lr`. */
  largest: number;
  /** The smallest LR of any epoch (after the last drop, unless a warm-up starts lower). An annealing schedule's floor. */
  smallest: number;
}

export function originalLrSummary(original: OriginalRecipe): OriginalLrSummary {
  let largest = -Infinity;
  let smallest = Infinity;
  for (let epoch = 0; epoch < original.epochs; epoch++) {
    const lr = originalLrAt(original, epoch);
    largest = Math.max(largest, lr);
    smallest = Math.min(smallest, lr);
  }
  return {
    base: original.lr,
    first: originalLrAt(original, 0),
    last: originalLrAt(original, original.epochs - 1),
    largest,
    smallest,
  };
}

/** The original schedule's momentum, or 0.9 when it states none. */
export function originalMomentum(original: OriginalRecipe): number {
  return original.momentum ?? DEFAULT_MOMENTUM;
}

/** One line, e.g. `160 epochs, lr 0.1, ×0.1 at 80, 120, momentum 0.9`. */
export function describeOriginalSchedule(original: OriginalRecipe): string {
  const drops = original.milestones.length ? `, ×${original.gamma} at ${original.milestones.join(', ')}` : '';
  const warmup = original.warmupEpochs ? `, ${original.warmupEpochs}-epoch warm-up` : '';
  return `${original.epochs} epochs, lr ${original.lr}${drops}${warmup}, momentum ${originalMomentum(original)}`;
}

function suggest(name: string): string {
  const close = closestName(name, ORIGINAL_PRESET_NAMES);
  return close ? ` — did you mean "${close}"?` : '';
}
