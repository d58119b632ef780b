// Every command's flag parsers, in one place: each turns a flag's text into a value or throws a
// UsageError (exit 2) naming the flag, what it takes and what it got.
import { UsageError, didYouMean } from '@prunebench/core';
import { BACKEND_NAMES, type BackendName, type PruneKeys } from '@prunebench/harness';

/** A count: a whole number, at least `min` (default 1). */
export function wholeNumber(text: string, flag: string, min = 1): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${flag} must be a whole number, at least ${min} (got "${text}")`);
  }
  return value;
}

/** A comma-separated list of whole numbers, each at least `min` (budgets, seeds). */
export function wholeNumberList(text: string, flag: string, min = 1): number[] {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (!parts.length) throw new UsageError(`${flag}: expected whole numbers ≥ ${min}, comma-separated (got "${text}")`);
  return parts.map((part) => {
    const value = Number(part);
    if (!/^\d+$/.test(part) || !Number.isSafeInteger(value) || value < min) {
      throw new UsageError(`${flag}: expected whole numbers ≥ ${min}, comma-separated (got "${text}")`);
    }
    return value;
  });
}

/** A seed: a whole number ≥ 0, 0 when the flag is absent. */
export function parseSeed(text: string | undefined, flag = '--seed'): number {
  return text === undefined ? 0 : wholeNumber(text, flag, 0);
}

/** A number > 0 (seconds, rates), or ≥ 0 with `{ zero: true }`. */
export function positiveNumber(text: string, flag: string, options: { zero?: boolean } = {}): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || (value === 0 && !options.zero)) {
    throw new UsageError(`${flag} must be a number ${options.zero ? '≥' : '>'} 0 (got "${text}")`);
  }
  return value;
}

/** A fraction in [0, 1): a ratio or a sparsity. */
export function fraction(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value >= 1) throw new UsageError(`${flag}: expected a number in [0, 1), got "${text}"`);
  return value;
}

/** `32x32x3` → [32, 32, 3]. */
export function parseShape(text: string, flag = '--input'): number[] {
  const dims = text.split(/[x×,]/i).map((d) => Number(d.trim()));
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new UsageError(`${flag}: expected a shape like 32x32x3 (positive integers joined by "x"), got "${text}"`);
  }
  return dims;
}

export function parseBackend(text: string | undefined, flag = '--backend'): BackendName | undefined {
  if (text === undefined) return undefined;
  if (!(BACKEND_NAMES as readonly string[]).includes(text)) {
    throw new UsageError(`${flag} must be one of ${BACKEND_NAMES.join(', ')} (got "${text}")${didYouMean(text, BACKEND_NAMES)}`);
  }
  return text as BackendName;
}

/** A comma-separated list of known names: `--backends wasm,cpu` (flag `--backends`, each a `backend`). */
export function nameList<T extends string>(text: string, known: readonly T[], flag: string, what: string): T[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const expected = `${flag}: expected ${known.join(', ')}, comma-separated`;
  if (!names.length) throw new UsageError(`${expected} (got "${text}")`);
  for (const name of names) {
    if (!(known as readonly string[]).includes(name)) throw new UsageError(`${expected}: unknown ${what} "${name}"${didYouMean(name, known)}`);
  }
  return names as T[];
}

/** JSON when it parses (false, 0.3, [10,20], {"use":"step"}), the plain string otherwise. */
export function parseOptionValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `key=value` pairs → an object; values are JSON when they parse (0.5, true, [1,2]), else strings. */
export function parseKeyValues(pairs: string[], flag: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals < 1) throw new UsageError(`${flag} "${pair}" must look like key=value (e.g. ${flag} ratio=0.5)`);
    out[pair.slice(0, equals).trim()] = parseOptionValue(pair.slice(equals + 1));
  }
  return out;
}

/** A component entry as `--plan` / `--dataset` / `--schedule` take it: an id, or JSON `{ "use": id, ...options }`. */
export function parseEntry(text: string, flag: string): string | { use: string; [key: string]: unknown } {
  if (!text.trim().startsWith('{')) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: not valid JSON (${(error as Error).message}); give an id or {"use": id, ...options}`);
  }
  if (!value || typeof value !== 'object' || typeof (value as { use?: unknown }).use !== 'string') {
    throw new UsageError(`${flag}: a JSON entry needs a "use" naming the component, e.g. {"use": "uniform", "ratio": 0.5}`);
  }
  return value as { use: string };
}

/**
 * `--plan pfec-a`, `--plan uniform --ratio 0.5`, `--plan '{"use":"global","ratio":0.4}'`, and
 * `--plan-option key=value` pairs: the plan's config entry.
 */
export function parsePlan(plan: string, ratio?: string, options: Record<string, unknown> = {}): string | { use: string; [key: string]: unknown } {
  const entry = parseEntry(plan, '--plan');
  const extra = { ...(ratio !== undefined ? { ratio: fraction(ratio, '--ratio') } : {}), ...options };
  if (Object.keys(extra).length === 0) return entry;
  return typeof entry === 'string' ? { use: entry, ...extra } : { ...entry, ...extra };
}

/** The flags that pruning's messages name (`prune`, `inspect --plan`). */
export const PRUNING_FLAGS: PruneKeys = {
  criterion: '--criterion',
  plan: '--plan',
  sparsity: '--sparsity',
  dataset: '--dataset',
  out: '--out',
  schedule: '--schedule',
  planOption: (key, value) => `--plan-option ${key}=${value}`,
};
