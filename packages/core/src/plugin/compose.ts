import { UnknownComponentError } from '../errors';
import type { ComponentKind, JsonSchema } from '../interfaces/component';
import type { Registry } from './registry';

/**
 * Criteria are named in a config's `pruners` list (`{ "use": "l1", "plan": "pfec-a" }`): the
 * pruner that composes each criterion kind, and the option it takes the criterion in.
 */
export const COMPOSING_PRUNERS = {
  criterion: { pruner: 'structured', option: 'criterion' },
  'weight-score': { pruner: 'mask', option: 'score' },
} as const satisfies Partial<Record<ComponentKind, { pruner: string; option: string }>>;

export type ComposedKind = keyof typeof COMPOSING_PRUNERS;
export const COMPOSED_KINDS = Object.keys(COMPOSING_PRUNERS) as ComposedKind[];

/** A pruners-list entry read as the pruner to make: a pruner as is, a criterion inside its composing pruner. */
export interface PrunerEntryTarget {
  /** The kind `id` was found under. */
  kind: 'pruner' | ComposedKind;
  /** The pruner to construct and its options (the criterion's entry nested in them). */
  pruner: { id: string; options: Record<string, unknown> };
  /** For a criterion: its id and its own options (the entry's keys the pruner does not take). */
  criterion?: { id: string; options: Record<string, unknown> };
}

/**
 * Splits a pruners-list entry: keys the composing pruner declares (e.g. `plan`) go to it, the
 * others to the criterion. Throws an UnknownComponentError naming pruners and criteria alike.
 */
export function resolvePrunerEntry(registry: Registry, id: string, options: Record<string, unknown>): PrunerEntryTarget {
  if (registry.has('pruner', id)) return { kind: 'pruner', pruner: { id, options } };
  for (const kind of COMPOSED_KINDS) {
    if (!registry.has(kind, id)) continue;
    const { pruner, option } = COMPOSING_PRUNERS[kind];
    if (!registry.has('pruner', pruner)) {
      throw new UnknownComponentError(
        `"${id}" is a ${kind}, and the pruner "${pruner}" that composes ${kind}s is not registered: load the built-in pruners (@prunebench/pruners; the CLI always does)`,
      );
    }
    const schema = registry.get('pruner', pruner).componentClass.optionsSchema as { properties?: Record<string, JsonSchema> } | undefined;
    const prunerKeys = new Set(Object.keys(schema?.properties ?? {}).filter((key) => key !== option));
    const own: Record<string, unknown> = {};
    const criterionOptions: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) (prunerKeys.has(key) ? own : criterionOptions)[key] = value;
    moveShorthandPlanOptions(registry, registry.get(kind, id).componentClass.optionsSchema, own, criterionOptions);
    return {
      kind,
      pruner: { id: pruner, options: { ...own, [option]: { use: id, ...criterionOptions } } },
      criterion: { id, options: criterionOptions },
    };
  }
  throw new UnknownComponentError(registry.unknownMessage('pruner', id));
}

/**
 * The plan shorthand (`{ "use": "l1", "plan": "uniform", "ratio": 0.5 }`, docs/spec/pruning-plans.md):
 * options the criterion does not declare but the named plan does belong to the plan entry.
 */
function moveShorthandPlanOptions(registry: Registry, criterionSchema: JsonSchema | undefined, own: Record<string, unknown>, criterionOptions: Record<string, unknown>): void {
  const plan = own.plan;
  if (typeof plan !== 'string' || !registry.has('plan', plan)) return;
  const declared = (schema: JsonSchema | undefined) => new Set(Object.keys((schema?.properties as Record<string, unknown> | undefined) ?? {}));
  const criterionKeys = declared(criterionSchema);
  const planKeys = declared(registry.get('plan', plan).componentClass.optionsSchema);
  const moved = Object.keys(criterionOptions).filter((key) => !criterionKeys.has(key) && planKeys.has(key));
  if (!moved.length) return;
  const entry: Record<string, unknown> = { use: plan };
  for (const key of moved) {
    entry[key] = criterionOptions[key];
    delete criterionOptions[key];
  }
  own.plan = entry;
}
