import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { ComponentKind, JsonSchema } from '../interfaces/component';
import { ConfigError, ConfigErrors } from '../errors';
import { didYouMean } from '../util/did-you-mean';
import type { Registry } from '../plugin/registry';
import { COMPOSED_KINDS, COMPOSING_PRUNERS, resolvePrunerEntry, type ComposedKind, type PrunerEntryTarget } from '../plugin/compose';
import { configSchema } from './schema';
import { expandPlanShorthand, takesPlan } from './plan-entry';

// verbose: errors carry their parentSchema, which the "did you mean" for unknown keys needs.
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, verbose: true });
const validators = new WeakMap<object, ValidateFunction>();

function compile(schema: JsonSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

/** `/schedules/2/ratio` → `schedules[2].ratio`, appended to `prefix`. */
export function keyPath(prefix: string, pointer: string): string {
  let out = prefix;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  return JSON.stringify(value) ?? String(value);
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const raw of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

/** Turns ajv's errors into ConfigErrors with key paths, plain words and "did you mean". */
export function schemaErrors(
  errors: ErrorObject[],
  data: unknown,
  prefix = '',
  file?: string,
  note = '',
): ConfigError[] {
  const out: ConfigError[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if') continue; // its "then" error says it better
    let path = keyPath(prefix, error.instancePath);
    let problem: string;
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String(params.additionalProperty);
        const known = Object.keys((error.parentSchema?.properties as object) ?? {});
        path = keyPath(path, `/${key}`);
        problem = `unknown key "${key}"${didYouMean(key, known)}${known.length ? ` (known keys: ${known.join(', ')})` : ''}`;
        break;
      }
      case 'required':
        path = keyPath(path, `/${String(params.missingProperty)}`);
        problem = 'is required';
        break;
      case 'enum': {
        const allowed = (params.allowedValues as unknown[]).map(String);
        const value = valueAt(data, error.instancePath);
        problem = `${describeValue(value)} is not one of ${allowed.map((a) => `"${a}"`).join(', ')}${didYouMean(String(value), allowed)}`;
        break;
      }
      case 'type':
        problem = `must be ${[params.type].flat().join(' or ')} (got ${describeValue(valueAt(data, error.instancePath))})`;
        break;
      default:
        problem = `${error.message ?? 'is invalid'} (got ${describeValue(valueAt(data, error.instancePath))})`;
    }
    const key = `${path}\u0000${problem}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(new ConfigError(path, problem + note, file));
    }
  }
  return out;
}

/** The problems of a config's structure (keys, types, ranges), without throwing. */
export function configStructureErrors(config: unknown, file?: string, schema: JsonSchema = configSchema): ConfigError[] {
  const validate = compile(schema);
  return validate(config) ? [] : schemaErrors(validate.errors ?? [], config, '', file);
}

/** Checks a config's structure (keys, types, ranges). Throws ConfigErrors listing every problem. */
export function validateConfigStructure(config: unknown, file?: string, schema: JsonSchema = configSchema): void {
  const errors = configStructureErrors(config, file, schema);
  if (errors.length) throw new ConfigErrors(errors);
}

/** A component entry of a config, split into its id and options. */
export interface ComponentRef {
  id: string;
  options: Record<string, unknown>;
  /** A name for reports, when the config gives one. */
  label?: string;
}

/**
 * Splits a config entry into id and options. `use` and `label` are the entry's own keys
 * (`label` names it in reports); every other key is an option of the component.
 */
export function splitComponentRef(ref: string | { use: string; [key: string]: unknown }): ComponentRef {
  if (typeof ref === 'string') return { id: ref, options: {} };
  const { use, label, ...options } = ref;
  return typeof label === 'string' ? { id: use, options, label } : { id: use, options };
}

/**
 * Checks that `ref` names a registered component of `kind` and that its options match the
 * component's schema; returns the id and the options with defaults filled in.
 * Errors carry the key path, e.g. `schedules[2]: unknown schedule "clrr" — did you mean "clr"?`.
 */
export function resolveComponentRef(
  registry: Registry,
  kind: ComponentKind,
  ref: string | { use: string; [key: string]: unknown },
  path: string,
  file?: string,
): ComponentRef {
  const { id, options: given, label } = splitComponentRef(ref);
  if (kind === 'pruner' && typeof id === 'string' && !registry.has('pruner', id)) {
    const composed = COMPOSED_KINDS.find((k) => registry.has(k, id));
    if (composed) return resolveComposedPrunerRef(registry, ref, path, file);
  }
  if (typeof id !== 'string' || !registry.has(kind, id)) {
    throw new ConfigErrors([new ConfigError(typeof ref === 'string' ? path : `${path}.use`, registry.unknownMessage(kind, id), file)]);
  }
  const { componentClass } = registry.get(kind, id);
  // A plan's options may sit beside its id ({ "plan": "uniform", "ratio": 0.5 }): moved into the plan entry.
  const options = takesPlan(componentClass.optionsSchema) ? expandPlanShorthand(registry, componentClass.optionsSchema, given) : given;
  const errors: ConfigError[] = [];
  let validated = options;
  try {
    validated = validateOptions(componentClass.optionsSchema, options, path, `${kind} "${id}"`, file);
  } catch (error) {
    if (!(error instanceof ConfigErrors)) throw error;
    errors.push(...error.errors);
  }
  if (takesPlan(componentClass.optionsSchema)) errors.push(...planEntryErrors(registry, options.plan, path, file));
  if (errors.length) throw new ConfigErrors(errors);
  return label === undefined ? { id, options: validated } : { id, options: validated, label };
}

/** A criterion named in a pruners list: its own options and the composing pruner's, each checked against its schema. */
function resolveComposedPrunerRef(registry: Registry, ref: string | { use: string; [key: string]: unknown }, path: string, file?: string): ComponentRef {
  const { id, options, label } = splitComponentRef(ref);
  let target: PrunerEntryTarget;
  try {
    target = resolvePrunerEntry(registry, id, options);
  } catch (error) {
    throw new ConfigErrors([new ConfigError(typeof ref === 'string' ? path : `${path}.use`, (error as Error).message, file)]);
  }
  const criterion = target.criterion!;
  const criterionClass = registry.get(target.kind, id).componentClass;
  const prunerClass = registry.get('pruner', target.pruner.id).componentClass;
  const { option } = COMPOSING_PRUNERS[target.kind as ComposedKind];
  // One round: the criterion's options, the pruner's, and the plan's, all reported together.
  const errors: ConfigError[] = [];
  const checked = (work: () => Record<string, unknown>): Record<string, unknown> => {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof ConfigErrors)) throw error;
      errors.push(...error.errors);
      return {};
    }
  };
  const ownOptions = checked(() => validateOptions(criterionClass.optionsSchema, criterion.options, path, `${target.kind} "${id}"`, file));
  const prunerOptions = checked(() =>
    validateOptions(prunerClass.optionsSchema, { ...target.pruner.options, [option]: id }, path, `pruner "${target.pruner.id}" around ${target.kind} "${id}"`, file),
  );
  if (takesPlan(prunerClass.optionsSchema)) errors.push(...planEntryErrors(registry, target.pruner.options.plan, path, file));
  if (errors.length) throw new ConfigErrors(errors);
  delete prunerOptions[option];
  const merged = { ...ownOptions, ...prunerOptions };
  return label === undefined ? { id, options: merged } : { id, options: merged, label };
}

/**
 * Validates (and fills defaults into a copy of) a component's options. An options schema that
 * does not say otherwise refuses unknown keys, so a typo never silently falls back to a default.
 */
export function validateOptions(
  schema: JsonSchema | undefined,
  options: Record<string, unknown>,
  path: string,
  what: string,
  file?: string,
): Record<string, unknown> {
  const effective: JsonSchema = schema ?? { type: 'object', properties: {} };
  const strict = 'additionalProperties' in effective ? effective : { ...effective, additionalProperties: false };
  const copy = structuredClone(options);
  const validate = compile(strict);
  if (!validate(copy)) {
    throw new ConfigErrors(schemaErrors(validate.errors ?? [], copy, path, file, ` (options of ${what})`));
  }
  return copy;
}

/**
 * Checks the plan a pruner's options name (plan-entry.ts): a registered plan id, and options its schema accepts.
 * Problems come at their real key path (`pruners[0].plan.ratio`, `pruners[0].plan.use`).
 */
export function planEntryErrors(registry: Registry, plan: unknown, path: string, file?: string): ConfigError[] {
  if (plan === undefined) return [];
  if (typeof plan !== 'string' && (plan === null || typeof plan !== 'object' || typeof (plan as { use?: unknown }).use !== 'string')) {
    return []; // the pruner's own schema reports the shape of `plan`
  }
  const { id, options } = splitComponentRef(plan as string | { use: string });
  const planPath = `${path}.plan`;
  if (!registry.has('plan', id)) {
    return [new ConfigError(typeof plan === 'string' ? planPath : `${planPath}.use`, registry.unknownMessage('plan', id), file)];
  }
  try {
    validateOptions(registry.get('plan', id).componentClass.optionsSchema, options, planPath, `plan "${id}"`, file);
    return [];
  } catch (error) {
    if (error instanceof ConfigErrors) return error.errors;
    throw error;
  }
}
