import type { ComponentKind, JsonSchema } from '../interfaces/component';
import type { Registry } from '../plugin/registry';
import { COMPOSED_KINDS, COMPOSING_PRUNERS } from '../plugin/compose';
import { takesPlan } from './plan-entry';
import { configSchema } from './schema';

/**
 * The JSON Schema an editor uses (config.schema.json), composed from the registered components'
 * own option schemas, so completion and validation in an editor agree with the CLI: component
 * ids as constants with their descriptions, each id's options checked against its schema, a
 * pruner's plan (and the shorthand of plan options beside a plan id) checked against the plan's.
 * A config that loads `plugins` names components this schema cannot know: for it, ids and
 * options are left to the CLI. Compiles under ajv's strict mode.
 */
export function composeConfigSchema(registry: Registry, structure: JsonSchema = configSchema): JsonSchema {
  const base = structuredClone(structure) as JsonSchema & { properties: Record<string, JsonSchema> };
  const entry = (kind: ComponentKind, description: string) => componentEntrySchema(registry, kind, description);
  const known: Record<string, JsonSchema> = {
    dataset: entry('dataset', base.properties.dataset.description as string),
    model: entry('model', base.properties.model.description as string),
    pruners: { type: 'array', minItems: 1, items: entry('pruner', 'A pruning method: a criterion and its plan.'), description: base.properties.pruners.description },
    schedules: { type: 'array', minItems: 1, items: entry('schedule', 'A retraining schedule.'), description: base.properties.schedules.description },
  };
  return strictClean({
    ...base,
    properties: { ...base.properties, original: originalWithRequiredFields(base.properties.original) },
    // Without plugins every component is a built-in one: check ids and options here.
    if: { type: 'object', properties: { plugins: { type: 'array', maxItems: 0 } } },
    then: { type: 'object', properties: known },
    definitions: { ...((base.definitions as object) ?? {}), plan: planOptionSchema(componentsOf(registry, 'plan')) },
  });
}

/** The `iterative` key of a pruners-list entry, as the base config schema describes it. */
function prunerIterativeSchema(): JsonSchema | undefined {
  const items = (configSchema.properties as Record<string, JsonSchema>).pruners?.items as JsonSchema | undefined;
  const then = items?.then as JsonSchema | undefined;
  const iterative = (then?.properties as Record<string, JsonSchema> | undefined)?.iterative;
  return iterative ? strictClean(structuredClone(iterative)) : undefined;
}

/** Where the composed schema keeps the schema of a pruner's `plan` option (once, not per pruner). */
const PLAN_REF = '#/definitions/plan';

/** Without a preset, the CLI needs epochs, lr, milestones and gamma. */
function originalWithRequiredFields(original: JsonSchema): JsonSchema {
  return {
    ...original,
    if: { type: 'object', not: { type: 'object', required: ['preset'] } },
    then: { type: 'object', required: ['epochs', 'lr', 'milestones', 'gamma'] },
  };
}

interface Known {
  id: string;
  description?: string;
  schema: JsonSchema;
}

function componentsOf(registry: Registry, kind: ComponentKind): Known[] {
  const own = registry.list(kind).map((c) => ({
    id: c.id,
    description: c.componentClass.description,
    schema: strictClean(structuredClone(c.componentClass.optionsSchema ?? { type: 'object', properties: {} })),
  }));
  return kind === 'pruner' ? [...own, ...composedComponents(registry)] : own;
}

/**
 * Criteria and weight scores as a pruners list names them (`{ "use": "l1", "plan": ... }`): their
 * own options and their composing pruner's (without the option that holds the criterion).
 */
function composedComponents(registry: Registry): Known[] {
  return COMPOSED_KINDS.flatMap((kind) => {
    const { pruner, option } = COMPOSING_PRUNERS[kind];
    if (!registry.has('pruner', pruner)) return [];
    const prunerSchema = (registry.get('pruner', pruner).componentClass.optionsSchema ?? {}) as JsonSchema;
    const prunerProperties = { ...propertiesOf(prunerSchema) };
    delete prunerProperties[option];
    const prunerRequired = requiredOf(prunerSchema).filter((key) => key !== option);
    return registry.list(kind).map((c) => {
      const schema = (c.componentClass.optionsSchema ?? { type: 'object', properties: {} }) as JsonSchema;
      const merged: JsonSchema = {
        ...schema,
        type: 'object',
        properties: { ...prunerProperties, ...propertiesOf(schema) },
        required: [...new Set([...prunerRequired, ...requiredOf(schema)])],
      };
      return { id: c.id, description: c.componentClass.description, schema: strictClean(structuredClone(merged)) };
    });
  });
}

const KEYWORDS_OF_TYPE: Record<string, string[]> = {
  object: ['properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties', 'maxProperties', 'propertyNames'],
  array: ['items', 'minItems', 'maxItems', 'uniqueItems', 'contains'],
  string: ['minLength', 'maxLength', 'pattern', 'format'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  integer: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
};

/**
 * `{ type: ["string", "object"], properties: ... }` → `{ anyOf: [{ type: "string" }, { type: "object", properties: ... }] }`:
 * the same values, without the union types strict mode refuses. Keywords that apply to no
 * listed type are dropped (they constrained nothing). Keywords like if/then stay beside it.
 */
function splitUnionType(s: Record<string, unknown>): void {
  const types = s.type as string[];
  delete s.type;
  const branches = types.map((type) => {
    const branch: Record<string, unknown> = { type };
    for (const key of KEYWORDS_OF_TYPE[type] ?? []) if (key in s) branch[key] = s[key];
    return branch;
  });
  for (const key of Object.values(KEYWORDS_OF_TYPE).flat()) delete s[key];
  const union = { anyOf: branches };
  if (s.anyOf) s.allOf = [...((s.allOf as unknown[]) ?? []), union];
  else Object.assign(s, union);
}

/**
 * Makes a component's schema acceptable to ajv's strict mode without changing what it accepts
 * (the CLI's own validation is not strict): a subschema that lists `required` keys or
 * `properties` says it is about objects, and declares the keys it requires.
 */
export function strictClean(schema: JsonSchema): JsonSchema {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const s = node as Record<string, unknown>;
    if (Array.isArray(s.type)) splitUnionType(s);
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    if ((required.length || s.properties) && s.type === undefined) s.type = 'object';
    if (required.length) {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      for (const key of required) if (!(key in properties)) properties[key] = {};
      s.properties = properties;
    }
    for (const value of Object.values(s)) visit(value);
  };
  visit(schema);
  return schema;
}

/** `"ft"`-style ids, each with its description (what an editor shows beside a completion). */
function idSchema(components: Known[], what: string): JsonSchema {
  return {
    description: `A ${what} id.`,
    type: 'string',
    anyOf: components.map((c) => ({ const: c.id, ...(c.description ? { description: c.description } : {}) })),
  };
}

const propertiesOf = (schema: JsonSchema) => (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
const requiredOf = (schema: JsonSchema) => (schema.required as string[] | undefined) ?? [];

/** A component's options schema without what the entry schema sets itself. */
function optionKeywords(schema: JsonSchema): JsonSchema {
  const { type: _type, properties: _properties, required: _required, additionalProperties: _additional, ...rest } = schema;
  return rest;
}

/** The schema of one config entry of `kind`: an id, or `{ use: id, label?, ...options }`. */
function componentEntrySchema(registry: Registry, kind: ComponentKind, description: string): JsonSchema {
  const components = componentsOf(registry, kind);
  const plans = componentsOf(registry, 'plan');
  const entryKeys: Record<string, JsonSchema> = {
    use: idSchema(components, kind),
    label: { type: 'string', minLength: 1, description: 'A name for this entry in reports.' },
  };
  // A pruner entry's `iterative` key is the harness's (prune in steps), beside the pruner's options.
  const iterative = kind === 'pruner' ? prunerIterativeSchema() : undefined;
  if (iterative) entryKeys.iterative = iterative;
  const perId = components.map((c) => {
    const withPlan = takesPlan(c.schema) && plans.length > 0;
    const properties: Record<string, JsonSchema> = { ...entryKeys, ...propertiesOf(c.schema) };
    if (withPlan) properties.plan = { $ref: PLAN_REF };
    const strict = c.schema.additionalProperties === undefined || c.schema.additionalProperties === false;
    const then: JsonSchema = {
      ...optionKeywords(c.schema),
      type: 'object',
      properties,
      required: ['use', ...requiredOf(c.schema)],
      ...(strict && !withPlan ? { additionalProperties: false } : {}),
      ...(c.schema.additionalProperties !== undefined && !strict ? { additionalProperties: c.schema.additionalProperties } : {}),
    };
    if (withPlan && strict) Object.assign(then, planShorthand(properties, plans));
    return { if: { type: 'object', properties: { use: { const: c.id } }, required: ['use'] }, then };
  });
  return {
    description,
    anyOf: [
      idSchema(components, kind),
      { type: 'object', required: ['use'], properties: entryKeys, allOf: perId },
    ],
  };
}

/** A pruner's `plan`: a plan id, or `{ use: plan, ...that plan's options }`. */
function planOptionSchema(plans: Known[]): JsonSchema {
  return {
    description: 'The plan: a plan id ("pfec-a"), or { "use": "uniform", "ratio": 0.5 }; or the plan id with its options beside it in the pruner entry.',
    anyOf: [
      idSchema(plans, 'plan'),
      {
        type: 'object',
        required: ['use'],
        properties: { use: idSchema(plans, 'plan') },
        allOf: plans.map((p) => ({
          if: { type: 'object', properties: { use: { const: p.id } }, required: ['use'] },
          then: {
            ...optionKeywords(p.schema),
            type: 'object',
            properties: { use: { const: p.id }, ...propertiesOf(p.schema) },
            required: ['use', ...requiredOf(p.schema)],
            ...(p.schema.additionalProperties === undefined || p.schema.additionalProperties === false ? { additionalProperties: false } : {}),
          },
        })),
      },
    ],
  };
}

/**
 * The shorthand `{ "use": "l1", "plan": "uniform", "ratio": 0.5 }`: when `plan` is a plan id, that
 * plan's options may sit beside it (and its required ones must); otherwise no key but the pruner's.
 */
function planShorthand(prunerProperties: Record<string, JsonSchema>, plans: Known[]): JsonSchema {
  const prunerKeys = Object.fromEntries(Object.keys(prunerProperties).map((k) => [k, true]));
  return {
    if: { type: 'object', properties: { plan: { type: 'string' } }, required: ['plan'] },
    then: {
      type: 'object',
      allOf: plans.map((p) => {
        const planOnly = Object.fromEntries(Object.entries(propertiesOf(p.schema)).filter(([k]) => !(k in prunerKeys)));
        return {
          if: { type: 'object', properties: { plan: { const: p.id } }, required: ['plan'] },
          then: {
            // The plan's own constraints (e.g. a ratio or a target) hold for the keys beside it.
            ...optionKeywords(p.schema),
            type: 'object',
            properties: { ...prunerKeys, ...planOnly },
            required: requiredOf(p.schema).filter((k) => k in planOnly),
            additionalProperties: false,
          },
        };
      }),
    },
    else: { type: 'object', properties: prunerKeys, additionalProperties: false },
  };
}
